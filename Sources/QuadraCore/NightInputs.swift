/// Everything read from a night's directory: stage 1's output and stage 2's input.
public struct NightInputs: Sendable {
    /// The sales, held in memory (tests, small tools). Empty when `spilled` holds them.
    public var ledger = SaleLedger()
    /// The POS records spilled to disk by partition (a night read by `NightReader`).
    public var spilled: SpilledSales?
    /// The client-window marks of every POS record read, before repeats and conflicts are sorted out: the
    /// reconciliation of a spilled night judges with these windows, and judges again in the rare night where
    /// conflicting records change them.
    public var provisionalClientMarks: ClientMarks?
    /// By PEM: one per `acube/<PEM>/` folder, even an empty one.
    public var acube: [String: AcubeData] = [:]
    public var registers: [RegisterEntry] = []
    /// One per rejected line, row or file.
    public var diagnostics: [Diagnostic] = []
    /// One per input file read.
    public var files: [InputFileRecord] = []

    public init() {}
}

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

/// An attempt the POS left in progress: what Spice recovery needs to ask about it.
public struct OpenAttempt: Sendable, Hashable {
    public var terminal: String
    public var sale: String
    public var posRefId: String
    public var kind: AttemptKind

    public init(terminal: String, sale: String, posRefId: String, kind: AttemptKind) {
        self.terminal = terminal
        self.sale = sale
        self.posRefId = posRefId
        self.kind = kind
    }
}

extension NightInputs {
    /// Every sale in one ledger: the spilled partitions read back, or `ledger` itself. For tests and small nights:
    /// it holds the whole night in memory.
    public func materializedLedger() throws -> SaleLedger {
        guard let spilled else { return ledger }
        var all = SaleLedger()
        for partition in 0..<spilled.partitionCount {
            for item in try spilled.records(partition: partition) {
                _ = all.add(item.record, at: SourceLocation(file: spilled.files[item.file], line: item.line))
            }
        }
        return all
    }
}
