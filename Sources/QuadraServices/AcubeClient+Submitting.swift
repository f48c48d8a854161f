import QuadraCore

/// `AcubeClient` is the real A-Cube of the submission engine.
extension AcubeClient: AcubeSubmitting {
    /// A supplier lists a PEM's emergency reports through MF2; MF2 refuses merchants (apis.md).
    public var canListReports: Bool { settings.role == .supplier }
}
