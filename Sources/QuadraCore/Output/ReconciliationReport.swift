/// Everything the report writers render: the run, the inputs, and the findings in report order.
public struct ReconciliationReport: Sendable {
    public var run: RunInfo
    /// Sorted by path.
    public var inputs: [InputFileRecord]
    /// Unique per (code, subject), in report order.
    public var findings: [Finding]

    public init(run: RunInfo, inputs: [InputFileRecord], findings: [Finding]) {
        self.run = run
        self.inputs = inputs.sorted { $0.path < $1.path }
        self.findings = findings.deduplicatedInReportOrder()
    }

    /// How many findings carry each code, for every code that occurs, sorted by code.
    public var countsByCode: [(code: FindingCode, count: Int)] {
        var counts: [FindingCode: Int] = [:]
        for index in findings.indices { counts[findings[index].code, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The exit status of §4: 1 when a finding is `action` or worse or input was rejected, else 0.
    public var exitStatus: Int32 {
        findings.contains { $0.severity >= .action || $0.code == .inputRejected } ? 1 : 0
    }
}
