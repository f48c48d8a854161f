/// An emergency report A-Cube already holds for a PEM, as `acube/<PEM>/emergency-reports*.json` lists it.
public struct AcubeEmergencyReport: Sendable, Hashable {
    /// A-Cube's id (an integer, as decimal text; a string id as it is).
    public var id: String
    /// `datetime`, the value the report was submitted with, when the export has it (exports made elsewhere).
    /// A-Cube's own list has only `closed_at`, a server time that never says which day a report covers.
    public var datetime: Instant?
    public var source: SourceLocation
}
