/// What the state store remembers that the reconciliation needs: submitted reports and notified periods.
public struct StateSnapshot: Sendable {
    /// (PEM, fiscal day) pairs an emergency report covers: its submission is settled, or an operator recorded a
    /// report covering the day.
    public var submittedReports: Set<PemDay>
    /// Client offline periods recorded as notified, by PEM and window start.
    public var notifiedPeriods: Set<PemInstant>

    /// (PEM, fiscal day) pairs whose journal Quadra closed (or found already closed).
    public var closedJournals: Set<PemDay>

    /// Emergency report submissions whose outcome is not settled yet (sent, answer lost), with what is known:
    /// each is `SUBMISSION_UNCERTAIN` until a run lists A-Cube's reports and settles it.
    public var unsettledSubmissions: [PemDay: String]

    public init(
        submittedReports: Set<PemDay> = [], notifiedPeriods: Set<PemInstant> = [], closedJournals: Set<PemDay> = [],
        unsettledSubmissions: [PemDay: String] = [:]
    ) {
        self.submittedReports = submittedReports
        self.notifiedPeriods = notifiedPeriods
        self.closedJournals = closedJournals
        self.unsettledSubmissions = unsettledSubmissions
    }
}
