/// The short human summary a run prints on standard output.
public enum RunSummary {
    public static func render(
        _ report: ReconciliationReport, uploads: [EmergencyReportUpload], outputDirectory: String
    ) -> String {
        var lines: [String] = []
        let rejected = report.inputs.reduce(0) { $0 + $1.recordsRejected }
        let read = report.inputs.reduce(0) { $0 + $1.recordsRead }
        lines.append(
            "Quadra \(report.run.toolVersion), run \(report.run.runId) (\(report.run.mode)), as of \(report.run.asOf)")
        lines.append("Read \(report.inputs.count) files, \(read) records, \(rejected) rejected.")
        if report.findings.isEmpty {
            lines.append("No findings.")
        } else {
            lines.append("Findings:")
            for severity in Severity.allCases.reversed() {
                let codes = report.countsByCode.filter { $0.code.severity == severity }
                guard !codes.isEmpty else { continue }
                let total = codes.reduce(0) { $0 + $1.count }
                lines.append("  \(severity): \(total)")
                for (code, count) in codes {
                    lines.append("    \(code.rawValue) \(count) — \(code.action)")
                }
            }
        }
        if !uploads.isEmpty {
            lines.append(
                "Prepared \(uploads.count) emergency upload\(uploads.count == 1 ? "" : "s") in \(outputDirectory)/uploads/."
            )
        }
        let urgent = report.countsByCode.filter { $0.code.severity >= .action || $0.code == .inputRejected }
            .sorted { ($0.code.severity, $1.code) > ($1.code.severity, $0.code) }
        if !urgent.isEmpty {
            lines.append("Next steps:")
            for (index, item) in urgent.enumerated() {
                lines.append("  \(index + 1). \(item.code.action) (\(item.code.rawValue) ×\(item.count))")
            }
        }
        lines.append(
            "Report: \(outputDirectory)/findings.csv, \(outputDirectory)/findings.xlsx, \(outputDirectory)/reconciliation.xml and \(outputDirectory)/summary.html"
        )
        switch report.exitStatus {
        case 0: lines.append("Nothing needs action.")
        default: lines.append("Some findings need action (exit status 1): see findings.csv, column action.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
