/// The facts about a run that the report records. Times are already formatted (RFC 3339 in the fiscal zone).
public struct RunInfo: Sendable, Hashable {
    public var toolVersion: String
    public var runId: String
    public var timeZone: String
    public var asOf: String
    public var startedAt: String
    public var finishedAt: String
    /// `offline` or `online`.
    public var mode: String

    public init(
        toolVersion: String, runId: String, timeZone: String, asOf: String, startedAt: String, finishedAt: String,
        mode: String
    ) {
        self.toolVersion = toolVersion
        self.runId = runId
        self.timeZone = timeZone
        self.asOf = asOf
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.mode = mode
    }
}
