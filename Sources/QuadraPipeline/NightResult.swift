import QuadraCore

/// What a night gave: the report written to OUT, the uploads prepared, and what each online stage did.
public struct NightResult: Sendable {
    public var report: ReconciliationReport
    public var uploads: [EmergencyReportUpload]
    /// Stage 3, when Spice was asked about open attempts.
    public var recovery: RecoveryReport?
    /// Stage 4: what was sent, or (without submitting) what would be.
    public var submission: SubmissionReport?
    /// The baseline the state store holds, as a summary line.
    public var baseline: String?
    /// The figures of each (PEM, fiscal day).
    public var dayStats: [DayStats] = []
    /// Seconds each stage took (read, reconcile, recover, submit, render), in order; a stage that did not run is
    /// absent.
    public var stageSeconds: [(stage: String, seconds: Double)] = []

    /// 0 when nothing needs action, 1 with findings that need action or rejected input, 2 when submission to
    /// A-Cube stopped (the report is written all the same).
    public var exitStatus: Int32 { submission?.failure == nil ? report.exitStatus : 2 }
}
