import Foundation
import QuadraCore
import QuadraXML

/// Writes the report files of a run or a preparation as one set (`OutputDirectory.replaceSet`): uploads, the CSV,
/// the workbook, the XML and the summary page, each rendered on its own thread (up to `workers` at once), then the
/// manifest; nothing in OUT is replaced until every file is ready. `days` (a run's day figures) become the
/// workbook's sheet "Days".
public enum ReportFiles {
    public static func write(
        report: ReconciliationReport, uploads: [EmergencyReportUpload], xml: Bool, into out: OutputDirectory,
        summaryPage: (@Sendable () -> [UInt8])? = nil, days: [DayStats]? = nil,
        workers: Int = ParallelWork.defaultWorkers
    ) throws {
        var files: [OutputDirectory.File] = []
        for upload in uploads {
            let base = "uploads/\(upload.pem)/\(upload.fiscalDay)"
            files.append(.init(path: base + ".json", render: { upload.jsonBytes() }))
            files.append(.init(path: base + ".xml", render: { try UploadXMLWriter.render(upload) }))
        }
        files.append(.init(path: "findings.csv", render: { FindingsCSVWriter.render(report.findings) }))
        if xml { files.append(.init(path: "reconciliation.xml", render: { try ReportXMLWriter.render(report) })) }
        if let summaryPage { files.append(.init(path: "summary.html", render: summaryPage)) }
        // Last, so that it starts first: the set renders its files from the end of the list.
        let findings = report.findings
        files.append(
            .init(path: "findings.xlsx") {
                try WorkbookPackage.write(WorkbookXMLWriter.parts(findings: findings, days: days), to: $0)
            })
        let runId = report.run.runId
        let inputs = report.inputs.map { Manifest.Entry(path: $0.path, sha256: $0.sha256, bytes: $0.bytes) }
        try out.replaceSet(
            files, manifest: { Manifest(runId: runId, inputs: inputs, outputs: $0).jsonBytes() }, workers: workers)
    }
}
