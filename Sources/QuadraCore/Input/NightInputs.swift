/// Everything read from a night's directory: stage 1's output and stage 2's input.
public struct NightInputs: Sendable {
    /// The POS records spilled to disk by partition, as `NightReader` left them; nil for a night with no POS log.
    /// This is the only way sales reach the reconciler, in tests as in the binary.
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

extension NightInputs {
    /// Every sale in one ledger: the spilled partitions read back. For tests and small nights: it holds the whole
    /// night in memory.
    public func materializedLedger() throws -> SaleLedger {
        guard let spilled else { return SaleLedger() }
        var all = SaleLedger()
        for partition in 0..<spilled.partitionCount {
            for item in try spilled.records(partition: partition) {
                _ = all.add(item.record, at: SourceLocation(file: spilled.files[item.file], line: item.line))
            }
        }
        return all
    }
}
