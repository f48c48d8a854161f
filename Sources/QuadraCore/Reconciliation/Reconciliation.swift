/// Stage 2's output: the findings, the offline windows and the uploads to prepare.
public struct Reconciliation: Sendable {
    /// Unique per (code, subject), in report order.
    public var findings: [Finding]
    public var platformWindows: [OfflineWindow]
    public var clientWindows: [OfflineWindow]
    /// Sorted by PEM and fiscal day.
    public var uploads: [EmergencyReportUpload]
    /// Attempts with no response and no recovery, for stage 3.
    public var openAttempts: [OpenAttempt]
    /// Figures per (PEM, fiscal day) with sales or findings, sorted by PEM and day.
    public var dayStats: [DayStats] = []
    /// The input files, each with its records rejected, conflicts found while reconciling included.
    public var inputFiles: [InputFileRecord] = []
    /// By PEM, the ids of the emergency reports its export describes with a `datetime` (what they cover is known):
    /// submission counts them as recorded.
    public var describedReportIds: [String: Set<String>] = [:]
}
