import Foundation
import QuadraCore

/// `--metrics FILE`: the night's figures in the Prometheus text format (0.0.4), for node_exporter's textfile
/// collector. Written atomically (a temporary file, then rename), so the collector never reads half a file.
public enum MetricsFile {
    /// The metrics of a run that ended with `exitStatus`: the findings by code and severity, the sales, the seconds
    /// per stage when the night was reconciled (`result`), and the time of the last run that reconciled its night
    /// (exit 0 or 1): this run's, or the one carried over from `previous` (the file as the last run left it).
    public static func render(
        result: NightResult?, exitStatus: Int32, finishedAt: Instant, previous: String?
    ) -> [UInt8] {
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { out += name + sample.labels + " " + sample.value + "\n" }
        }
        if let result {
            let counts = result.report.countsByCode
            metric(
                "quadra_findings", "Findings of the last reconciled night, by code and severity.",
                counts.map { ("{code=\"\($0.code.rawValue)\",severity=\"\($0.code.severity)\"}", String($0.count)) })
            var bySeverity: [Severity: Int] = [:]
            for finding in result.report.findings { bySeverity[finding.severity, default: 0] += 1 }
            metric(
                "quadra_findings_by_severity", "Findings of the last reconciled night, by severity.",
                Severity.allCases.map { ("{severity=\"\($0)\"}", String(bySeverity[$0] ?? 0)) })
            metric(
                "quadra_sales", "Sales of the last reconciled night.",
                [("", String(result.dayStats.reduce(0) { $0 + $1.sales }))])
            metric(
                "quadra_inputs_rejected", "Input records rejected in the last reconciled night.",
                [("", String(result.report.inputs.reduce(0) { $0 + $1.recordsRejected }))])
            metric(
                "quadra_stage_seconds", "Seconds each stage of the last reconciled night took.",
                result.stageSeconds.map { ("{stage=\"\($0.stage)\"}", String(format: "%.3f", $0.seconds)) })
        }
        metric(
            "quadra_exit_status", "Exit status of the last run (0 nothing to do, 1 action needed, 2 failed).",
            [("", String(exitStatus))])
        let seconds = String(Double(finishedAt.millis) / 1000)
        metric("quadra_last_run_timestamp_seconds", "When the last run ended (Unix time).", [("", seconds)])
        let lastSuccess = exitStatus <= 1 ? seconds : previous.flatMap(Self.lastSuccess)
        if let lastSuccess {
            metric(
                "quadra_last_success_timestamp_seconds",
                "When the last run that reconciled its night (exit status 0 or 1) ended (Unix time).",
                [("", lastSuccess)])
        }
        return Array(out.utf8)
    }

    /// The last success time a metrics file holds.
    static func lastSuccess(in text: String) -> String? {
        let name = "quadra_last_success_timestamp_seconds "
        return text.split(separator: "\n").first { $0.hasPrefix(name) }.map { String($0.dropFirst(name.count)) }
    }

    /// Writes the metrics to `path` atomically, carrying over the last success time the file held.
    public static func write(to path: String, result: NightResult?, exitStatus: Int32, finishedAt: Instant) throws {
        let previous = try? String(contentsOfFile: path, encoding: .utf8)
        try OutputDirectory.writeAtomically(
            render(result: result, exitStatus: exitStatus, finishedAt: finishedAt, previous: previous),
            to: URL(fileURLWithPath: path))
    }
}
