import AsyncHTTPClient
import Foundation
import Logging
import QuadraCore
import QuadraServices
import QuadraXML

/// Runs one night, stage by stage, each with a typed input and output:
///
/// 1. read: the input directory → `NightInputs` + diagnostics (`NightReader`; POS records spilled by sale)
/// 2. reconcile: `NightInputs` → `Reconciliation` (`Reconciler`; no clock, no network: it reads back the spilled
///    partitions, a partition per thread)
/// 3. recover: the attempts left open → Spice → `RecoveryOutcome`s (`RecoveryEngine`), then reconcile again
/// 4. submit (only with --submit): `SubmissionPlan` → A-Cube through the state store (`SubmissionEngine`), then
///    reconcile again with what the store now records
/// 5. render: `Reconciliation` → `reconciliation.xml`, `findings.csv`, `uploads/`, `manifest.json`, summary
struct NightPipeline {
    struct Options {
        var input: URL
        var output: URL
        var timeZone: FiscalTimeZone
        var asOf: Instant
        /// True when --as-of was given: run id and run times derive from it, for byte-identical reports.
        var pinned: Bool
        var offline: Bool
        var submit: Bool
        var statePath: String
        /// How long to wait for another run's hold on the state store.
        var lockWait: Duration = .zero
        var configuration: Configuration
        /// A-Cube's credentials; nil reads them from the environment when submitting.
        var credentials: AcubeCredentials? = nil
        /// Threads that read and reconcile.
        var workers = ParallelWork.defaultWorkers
        /// About how many bytes of POS log go to one partition.
        var partitionBytes = 4 << 20
        /// The longest POS log line read (`NightReader.maximumLineBytes`).
        var maximumLineBytes = LineReader.defaultMaximumLineBytes
        var logger = Logger(label: "quadra")
    }

    let options: Options
    /// One line about the recovery for the summary, set by `recover`.
    private var recoverySummary: String?
    /// Lines about submission (or what would be submitted) for the summary.
    private var submissionSummary: [String] = []
    /// Why submission stopped (A-Cube down, credentials refused): the report is still written, then exit 2.
    private var submissionFailure: String?
    /// The baseline the state store holds, for the summary.
    private var baselineSummary: String?

    init(options: Options) { self.options = options }

    /// Runs the night and returns the exit status (0 or 1). Throws for exit status 2.
    mutating func run() async throws -> Int32 {
        let started = Self.now()
        // Secrets are checked before anything is read or sent, so a missing one stops the run early (exit 2).
        let credentials = options.submit ? try options.credentials ?? Self.credentials() : nil
        let logger = options.logger
        let stopwatch = Stopwatch()
        // 1–4. The night's inputs (the A-Cube receipts, the spilled POS records) are released on another thread
        // while the reports are rendered.
        let night = ReleasedLater(try read())
        let reconciliation = try await reconcile(
            night.value.unsafelyUnwrapped, credentials: credentials, stopwatch: stopwatch)
        night.releaseInBackground()
        // 5. render
        let runId =
            options.pinned
            ? Self.derivedRunId(asOf: options.asOf, inputs: reconciliation.inputFiles) : Self.randomRunId()
        let zone = options.timeZone
        let run = RunInfo(
            toolVersion: Quadra.version, runId: runId, timeZone: zone.identifier, asOf: zone.format(options.asOf),
            startedAt: zone.format(options.pinned ? options.asOf : started),
            finishedAt: zone.format(options.pinned ? options.asOf : Self.now()),
            mode: options.offline ? "offline" : "online")
        let report = ReconciliationReport(
            run: run, inputs: reconciliation.inputFiles, findings: reconciliation.findings)
        let out = try OutputDirectory(root: options.output)
        let days = reconciliation.dayStats
        try ReportFiles.write(
            report: report, uploads: reconciliation.uploads, xml: true, into: out,
            summaryPage: { SummaryPage.render(report, days: days) }, workers: options.workers)
        logger.info("wrote the reports", metadata: ["seconds": "\(stopwatch.lap())"])
        if let baselineSummary { print(baselineSummary) }
        if let recoverySummary { print(recoverySummary) }
        for line in submissionSummary { print(line) }
        if let submissionFailure {
            logger.error("submission to A-Cube stopped", metadata: ["reason": "\(submissionFailure)"])
            FileHandle.printError("quadra: submission to A-Cube stopped: \(submissionFailure)\n")
        }
        print(
            RunSummary.render(report, uploads: reconciliation.uploads, outputDirectory: options.output.path),
            terminator: "")
        return submissionFailure == nil ? report.exitStatus : 2
    }

    /// Stages 2 to 4: reconcile, recover (unless offline), submit (with --submit), reconciling again after each of
    /// the last two.
    private mutating func reconcile(_ inputs: NightInputs, credentials: AcubeCredentials?, stopwatch: Stopwatch)
        async throws -> Reconciliation
    {
        let logger = options.logger
        logger.info(
            "read the night",
            metadata: [
                "files": "\(inputs.files.count)", "records": "\(inputs.files.reduce(0) { $0 + $1.recordsRead })",
                "rejected": "\(inputs.files.reduce(0) { $0 + $1.recordsRejected })",
                "partitions": "\(inputs.spilled?.partitionCount ?? 0)",
                "spilledMB": "\((inputs.spilled?.spilledBytes ?? 0) >> 20)", "seconds": "\(stopwatch.lap())",
            ])
        // The state store: created by an online run; an offline run only reads one that exists.
        let store = try openStore()
        if let store, let line = try Self.baselineLine(store) { baselineSummary = line }
        let snapshot = try store.map { try $0.snapshot() } ?? StateSnapshot()
        var recoveries = try store.map { try $0.knownOutcomes() } ?? [:]
        // 2. reconcile
        var context = ReconcileContext(
            asOf: options.asOf, timeZone: options.timeZone, state: snapshot, recoveries: recoveries,
            rejectedSubmissions: try store.map(Self.rejectedSubmissions) ?? [:])
        var reconciliation = try Reconciler.reconcile(inputs, context: context, workers: options.workers)
        logger.info(
            "reconciled", metadata: ["findings": "\(reconciliation.findings.count)", "seconds": "\(stopwatch.lap())"])
        // 3. recover, then reconcile again with Spice's answers
        if !options.offline {
            let spice = options.configuration.spice
            let targets = reconciliation.openAttempts.compactMap { attempt in
                spice.url(forTerminal: attempt.terminal).map { RecoveryTarget(attempt: attempt, baseURL: $0) }
            }
            logger.info(
                "recovering from Spice",
                metadata: [
                    "open": "\(reconciliation.openAttempts.count)", "withSpice": "\(targets.count)",
                    "spices": "\(Set(targets.map(\.baseURL)).count)",
                ])
            if !targets.isEmpty {
                recoveries = try await recover(targets, journal: store)
                if let recoverySummary { logger.info("\(recoverySummary)") }
                context.recoveries = recoveries
                reconciliation = try Reconciler.reconcile(inputs, context: context, workers: options.workers)
            }
        }
        // 4. submit, then reconcile again with what the state store now records
        let plan = SubmissionPlan(reconciliation, state: context.state)
        if let credentials, let store {
            if !plan.isEmpty {
                logger.info("\(plan.describe(timeZone: options.timeZone))")
                let result = try await submit(plan, store: store, credentials: credentials)
                for line in submissionSummary { logger.info("\(line)") }
                // Whatever was sent before a failure is in the store: the report reflects it.
                context.state = try store.snapshot()
                context.rejectedSubmissions = try Self.rejectedSubmissions(store).merging(result?.rejected ?? [:]) {
                    $1
                }
                context.uncertainSubmissions = result?.uncertain ?? [:]
                reconciliation = try Reconciler.reconcile(inputs, context: context, workers: options.workers)
            } else {
                submissionSummary = ["Nothing to send to A-Cube."]
            }
        } else {
            submissionSummary = [plan.describe(timeZone: options.timeZone)]
        }
        return reconciliation
    }

    private func read() throws -> NightInputs {
        var reader = NightReader(timeZone: options.timeZone, registerXML: LibXMLRegisterReader())
        reader.workers = options.workers
        reader.partitionBytes = options.partitionBytes
        reader.maximumLineBytes = options.maximumLineBytes
        let progress = Progress(label: "reading file")
        reader.onFileRead = { progress.step($0) }
        defer { progress.finish() }
        do {
            return try reader.read(directory: options.input)
        } catch let error as NightReadError {
            throw UsageFailure(message: error.message)
        }
    }

    private func openStore() throws -> StateStore? {
        do {
            // An offline run that submits nothing only reads a store that exists; it never creates one.
            return options.offline && !options.submit
                ? try StateStore.openExisting(path: options.statePath)
                : try StateStore.exclusive(path: options.statePath, wait: options.lockWait)
        } catch {
            throw UsageFailure(message: "--state: \(error)")
        }
    }

    private mutating func recover(_ targets: [RecoveryTarget], journal: StateStore?) async throws -> [String:
        RecoveryOutcome]
    {
        let spice = options.configuration.spice
        let http = SpiceHTTPClient.makeHTTPClient()
        let client = SpiceHTTPClient(
            http: http, posName: spice.posName, posVersion: spice.posVersion,
            requestTimeoutSeconds: spice.requestTimeoutSeconds)
        var engine = RecoveryEngine(client: client, settings: spice, journal: journal)
        let progress = Progress(label: "recovering from Spice")
        let last = LastValue<RecoveryProgress>()
        engine.onProgress = {
            last.set($0)
            progress.show("\($0.done) done, \($0.open) open, \($0.failing) failing")
        }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let outcomes = try await engine.recover(targets)
            progress.finish()
            let seconds =
                Double((clock.now - started).components.attoseconds) / 1e18
                + Double((clock.now - started).components.seconds)
            let asked = last.value?.requests ?? 0
            recoverySummary =
                "Asked Spice \(asked) time\(asked == 1 ? "" : "s") about \(targets.count) open attempt"
                + (targets.count == 1 ? "" : "s") + " in "
                + String(format: "%.1f s (%.0f requests/s).", seconds, seconds > 0 ? Double(asked) / seconds : 0)
            try await http.shutdown()
            return outcomes
        } catch {
            progress.finish()
            try? await http.shutdown()
            throw error
        }
    }

    /// Submits the plan; an operational failure is kept in `submissionFailure` and the run goes on to write the
    /// report (what was sent before it is in the state store). A failing state store throws (exit 2).
    private mutating func submit(_ plan: SubmissionPlan, store: StateStore, credentials: AcubeCredentials) async throws
        -> SubmissionResult?
    {
        let connection = try AcubeConnection(settings: options.configuration.acube, credentials: credentials)
        var engine = connection.engine(store: store, timeZone: options.timeZone)
        let progress = Progress(label: "submitting to A-Cube")
        engine.onStep = { progress.step($0) }
        defer { progress.finish() }
        do {
            let result = try await engine.submit(plan)
            await connection.shutdown()
            submissionSummary = Self.describe(result)
            if let failure = result.failure {
                submissionFailure = failure
                submissionSummary.append("Submission to A-Cube stopped; run again when A-Cube can be used.")
            }
            return result
        } catch let error as StateStoreError {
            await connection.shutdown()
            throw UsageFailure(message: "--state: \(error)")
        } catch {
            await connection.shutdown()
            submissionFailure = "\(error)"
            submissionSummary = ["Submission to A-Cube stopped; run again when A-Cube can be reached."]
            return nil
        }
    }

    static func describe(_ result: SubmissionResult) -> [String] {
        var lines: [String] = []
        if !result.sent.isEmpty { lines.append("Sent to A-Cube: " + result.sent.joined(separator: ", ") + ".") }
        if !result.skipped.isEmpty { lines.append("Not sent: " + result.skipped.joined(separator: ", ") + ".") }
        if !result.rejected.isEmpty {
            lines.append(
                "Refused by A-Cube: "
                    + result.rejected.keys.sorted().map { "\($0.pem) \($0.day)" }.joined(separator: ", ")
                    + " (see SUBMISSION_REJECTED).")
        }
        if !result.uncertain.isEmpty {
            lines.append(
                "Not settled, nothing more sent for those PEMs: "
                    + result.uncertain.keys.sorted().map { "\($0.pem)" + ($0.day.map { " \($0)" } ?? "") }
                    .joined(separator: ", ") + " (see SUBMISSION_UNCERTAIN).")
        }
        return lines
    }

    /// A-Cube's credentials from the environment; a missing one is a usage failure (exit 2).
    static func credentials() throws -> AcubeCredentials {
        do {
            return try AcubeCredentials.fromEnvironment()
        } catch {
            throw UsageFailure(message: "\(error)")
        }
    }

    /// "Baseline: 2 reports A-Cube held before Quadra, recorded 2026-12-01T…Z (E001-000001: 17, 18)." when the
    /// store holds a baseline; nil otherwise.
    static func baselineLine(_ store: StateStore) throws -> String? {
        let baseline = try store.knownReports().filter { $0.origin == .baseline }
        guard let first = baseline.first else { return nil }
        var byPem: [(pem: String, ids: [String])] = []
        for report in baseline {
            if byPem.last?.pem == report.pem {
                byPem[byPem.count - 1].ids.append(report.id)
            } else {
                byPem.append((report.pem, [report.id]))
            }
        }
        let count = baseline.count
        let pems = SubmissionPlan.someOf(byPem.map { "\($0.pem): " + $0.ids.joined(separator: ", ") })
        return "Baseline: \(count) report\(count == 1 ? "" : "s") A-Cube held before Quadra, recorded "
            + "\(first.recordedAt.utcString) (\(pems))."
    }

    /// Refusals the store remembers, so SUBMISSION_REJECTED stays in the report until the data is fixed.
    static func rejectedSubmissions(_ store: StateStore) throws -> [PemDay: String] {
        var rejected: [PemDay: String] = [:]
        for record in try store.submissions() where record.status == .rejected {
            rejected[record.key] = record.detail ?? "refused by A-Cube"
        }
        return rejected
    }

    static func now() -> Instant {
        Instant(date: Date())
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

/// Holds a value so that its memory is given back on a background thread: freeing a big night (and closing its
/// spill files) then overlaps the work that follows instead of delaying it.
final class ReleasedLater<T: Sendable>: @unchecked Sendable {
    /// Read only before `releaseInBackground`; then written once, by the background thread.
    private(set) var value: T?

    init(_ value: T) { self.value = value }

    /// Drops the value on a background thread. The caller must hold no other reference to it for the memory to be
    /// freed there.
    func releaseInBackground() {
        DispatchQueue.global(qos: .utility).async { self.value = nil }
    }
}

/// The latest value reported from concurrent tasks.
final class LastValue<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?

    func set(_ value: T) {
        lock.lock()
        stored = value
        lock.unlock()
    }

    var value: T? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// Writes the report files of a run or a preparation as one set (`OutputDirectory.replaceSet`): uploads, the CSV,
/// the XML and the summary page, each rendered on its own thread (up to `workers` at once), then the manifest;
/// nothing in OUT is replaced until every file is ready.
enum ReportFiles {
    static func write(
        report: ReconciliationReport, uploads: [EmergencyReportUpload], xml: Bool, into out: OutputDirectory,
        summaryPage: (@Sendable () -> [UInt8])? = nil, workers: Int = ParallelWork.defaultWorkers
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
        let runId = report.run.runId
        let inputs = report.inputs.map { Manifest.Entry(path: $0.path, sha256: $0.sha256, bytes: $0.bytes) }
        try out.replaceSet(
            files, manifest: { Manifest(runId: runId, inputs: inputs, outputs: $0).jsonBytes() }, workers: workers)
    }
}

/// Seconds between laps, for the log.
final class Stopwatch {
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant

    init() { last = clock.now }

    /// Seconds since the previous lap (or the start), with two decimals.
    func lap() -> String {
        let now = clock.now
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return String(format: "%.2f", seconds)
    }
}
