/// An A-Cube journal: one PEM's fiscal day, open or closed.
public struct AcubeJournal: Sendable, Hashable {
    public var uuid: String
    public var pem: String
    public var date: FiscalDay
    public var isOpen: Bool
    public var source: SourceLocation
}
