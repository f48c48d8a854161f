import Foundation
import QuadraCore
import QuadraXML

/// Runs one night, stage by stage, each with a typed input and output:
///
/// 1. read: the input directory → `NightInputs` + diagnostics (`NightReader`)
/// 2. reconcile: `NightInputs` → `Reconciliation` (`Reconciler`; pure, no I/O)
/// 3. render: `Reconciliation` → `reconciliation.xml`, `findings.csv`, `uploads/`, `manifest.json`, summary
///
/// Recovery from Spice and submission to A-Cube slot in between 2 and 3 (with a second reconcile after
/// recovery) once those clients exist; without them every open attempt is `PAYMENT_IN_PROGRESS`.
struct NightPipeline {
    struct Options {
        var input: URL
        var output: URL
        var timeZone: FiscalTimeZone
        var asOf: Instant
        /// True when --as-of was given: run id and run times derive from it, for byte-identical reports.
        var pinned: Bool
        var mode: String
    }

    let options: Options

    /// Runs the night and returns the exit status (0 or 1). Throws for exit status 2.
    func run() throws -> Int32 {
        let started = Self.now()
        // 1. read
        var reader = NightReader(timeZone: options.timeZone, registerXML: LibXMLRegisterReader())
        let progress = Progress(label: "reading file")
        reader.onFileRead = { progress.step($0) }
        let inputs: NightInputs
        do {
            inputs = try reader.read(directory: options.input)
            progress.finish()
        } catch let error as NightReadError {
            progress.finish()
            throw UsageFailure(message: error.message)
        }
        // 2. reconcile
        let context = ReconcileContext(asOf: options.asOf, timeZone: options.timeZone)
        let reconciliation = Reconciler.reconcile(inputs, context: context)
        // 3. render
        let runId = options.pinned ? Self.derivedRunId(asOf: options.asOf, inputs: inputs.files) : Self.randomRunId()
        let zone = options.timeZone
        let run = RunInfo(
            toolVersion: Quadra.version, runId: runId, timeZone: zone.identifier, asOf: zone.format(options.asOf),
            startedAt: zone.format(options.pinned ? options.asOf : started),
            finishedAt: zone.format(options.pinned ? options.asOf : Self.now()), mode: options.mode)
        let report = ReconciliationReport(run: run, inputs: inputs.files, findings: reconciliation.findings)
        var out = try OutputDirectory(root: options.output)
        try ReportFiles.write(report: report, uploads: reconciliation.uploads, xml: true, into: &out)
        print(
            RunSummary.render(report, uploads: reconciliation.uploads, outputDirectory: options.output.path),
            terminator: "")
        return report.exitStatus
    }

    static func now() -> Instant {
        Instant(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// A run id that depends only on the as-of and the inputs, so pinned runs are reproducible.
    static func derivedRunId(asOf: Instant, inputs: [InputFileRecord]) -> String {
        var hasher = SHA256()
        hasher.update(Array("quadra-run\n\(asOf.millis)\n".utf8))
        for file in inputs { hasher.update(Array("\(file.path)\t\(file.sha256)\n".utf8)) }
        return String(SHA256.hex(hasher.finalize()).prefix(16))
    }

    static func randomRunId() -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
    }
}

/// Writes the report files of a run or a preparation: uploads first, then the CSV and the XML, the manifest last.
enum ReportFiles {
    static func write(
        report: ReconciliationReport, uploads: [EmergencyReportUpload], xml: Bool, into out: inout OutputDirectory
    ) throws {
        var kept = Set<String>()
        for upload in uploads {
            let base = "uploads/\(upload.pem)/\(upload.fiscalDay)"
            try out.write(base + ".json", upload.jsonBytes())
            try out.write(base + ".xml", try UploadXMLWriter.render(upload))
            kept.insert(base + ".json")
            kept.insert(base + ".xml")
        }
        out.removeStaleUploads(keeping: kept)
        try out.write("findings.csv", FindingsCSVWriter.render(report.findings))
        if xml { try out.write("reconciliation.xml", try ReportXMLWriter.render(report)) }
        let manifest = Manifest(
            runId: report.run.runId,
            inputs: report.inputs.map { Manifest.Entry(path: $0.path, sha256: $0.sha256, bytes: $0.bytes) },
            outputs: out.written)
        try out.write("manifest.json", manifest.jsonBytes(), recordInManifest: false)
    }
}
