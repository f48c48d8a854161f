/// The reference facts a reconciliation needs beyond the inputs.
public struct ReconcileContext: Sendable {
    /// The run's reference time: open windows end here, "more than 24 h" is measured to it.
    public var asOf: Instant
    public var timeZone: FiscalTimeZone
    public var state: StateSnapshot
    /// Spice's answers for attempts the POS left in progress, by posRefId.
    public var recoveries: [String: RecoveryOutcome]
    /// A-Cube refusals of submissions, by (PEM, fiscal day): the violations as text.
    public var rejectedSubmissions: [PemDay: String]
    /// What a run that submitted could not settle (a report A-Cube holds that the store never recorded, an
    /// outcome the list cannot tell), by subject: `SUBMISSION_UNCERTAIN` details. The store's unsettled
    /// submissions (`state.unsettledSubmissions`) are added to these.
    public var uncertainSubmissions: [SubmissionSubject: String]

    public init(
        asOf: Instant, timeZone: FiscalTimeZone, state: StateSnapshot = StateSnapshot(),
        recoveries: [String: RecoveryOutcome] = [:], rejectedSubmissions: [PemDay: String] = [:],
        uncertainSubmissions: [SubmissionSubject: String] = [:]
    ) {
        self.asOf = asOf
        self.timeZone = timeZone
        self.state = state
        self.recoveries = recoveries
        self.rejectedSubmissions = rejectedSubmissions
        self.uncertainSubmissions = uncertainSubmissions
    }
}
