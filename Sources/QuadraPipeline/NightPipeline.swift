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
/// 3. recover: the attempts left open → Spice → `RecoveryReport` (`RecoveryEngine`), then reconcile again
/// 4. submit (only with `submit`): `SubmissionPlan` → A-Cube through the state store → `SubmissionReport`
///    (`SubmissionEngine`), then reconcile again with what the store now records
/// 5. render: `Reconciliation` → `reconciliation.xml`, `findings.csv`, `findings.xlsx`, `uploads/`, `summary.html`,
///    `manifest.json`, replaced in OUT as one set
///
/// The Spice and A-Cube clients come in through `Services` (the `SpiceRecovering` and `AcubeSubmitting`
/// protocols): whoever runs the pipeline makes them, and shuts them down after. The pipeline prints nothing: the
/// caller turns the `NightResult` into the summary.
public struct NightPipeline: Sendable {
    public struct Options: Sendable {
        public var input: URL
        public var output: URL
        public var timeZone: FiscalTimeZone
        public var asOf: Instant
        /// True when --as-of was given: run id and run times derive from it, for byte-identical reports.
        public var pinned: Bool
        public var offline: Bool
        public var submit: Bool
        public var statePath: String
        /// How long to wait for another run's hold on the state store.
        public var lockWait: Duration = .zero
        public var configuration: Configuration
        /// Threads that read and reconcile.
        public var workers = ParallelWork.defaultWorkers
        /// About how many bytes of POS log go to one partition.
        public var partitionBytes = 4 << 20
        /// The longest POS log line read (`NightReader.maximumLineBytes`).
        public var maximumLineBytes = LineReader.defaultMaximumLineBytes
        /// The version written in the report.
        public var toolVersion: String
        public var logger = Logger(label: "quadra")

        public init(
            input: URL, output: URL, timeZone: FiscalTimeZone, asOf: Instant, pinned: Bool, offline: Bool,
            submit: Bool, statePath: String, configuration: Configuration, toolVersion: String
        ) {
            self.input = input
            self.output = output
            self.timeZone = timeZone
            self.asOf = asOf
            self.pinned = pinned
            self.offline = offline
            self.submit = submit
            self.statePath = statePath
            self.configuration = configuration
            self.toolVersion = toolVersion
        }
    }

    /// The clients a run talks through. Each may be nil: no Spice means no recovery (an offline run), no A-Cube
    /// means nothing is submitted (the plan is only described).
    public struct Services: Sendable {
        public var spice: (any SpiceRecovering)?
        public var acube: (any AcubeSubmitting)?

        public init(spice: (any SpiceRecovering)? = nil, acube: (any AcubeSubmitting)? = nil) {
            self.spice = spice
            self.acube = acube
        }
    }

    public let options: Options
    public let services: Services

    public init(options: Options, services: Services) {
        self.options = options
        self.services = services
    }

    /// Runs the night. Throws `PipelineFailure` when it cannot be done (exit status 2): an unreadable input
    /// directory, a state store that cannot be used, an output that cannot be written.
    public func run() async throws -> NightResult {
        let started = RunClock.now()
        let logger = options.logger
        let stopwatch = Stopwatch()
        // 1–4. The night's inputs (the A-Cube receipts, the spilled POS records) are released on another thread
        // while the reports are rendered.
        let night = ReleasedLater(try read())
        let stages = try await reconcile(night.value.unsafelyUnwrapped, stopwatch: stopwatch)
        night.releaseInBackground()
        // 5. render
        let reconciliation = stages.reconciliation
        let runId =
            options.pinned
            ? RunIdentity.derived(asOf: options.asOf, inputs: reconciliation.inputFiles) : RunIdentity.random()
        let zone = options.timeZone
        let run = RunInfo(
            toolVersion: options.toolVersion, runId: runId, timeZone: zone.identifier,
            asOf: zone.format(options.asOf), startedAt: zone.format(options.pinned ? options.asOf : started),
            finishedAt: zone.format(options.pinned ? options.asOf : RunClock.now()),
            mode: options.offline ? "offline" : "online")
        let report = ReconciliationReport(
            run: run, inputs: reconciliation.inputFiles, findings: reconciliation.findings)
        let out = try OutputDirectory(root: options.output)
        let days = reconciliation.dayStats
        let language = options.configuration.language
        try ReportFiles.write(
            report: report, uploads: reconciliation.uploads, xml: true, into: out,
            summaryPage: { SummaryPage.render(report, days: days, language: language) }, days: days,
            workers: options.workers)
        // Laps are taken whatever the log level: the metrics use them.
        let renderSeconds = stopwatch.lap("render")
        logger.info("wrote the reports", metadata: ["seconds": "\(renderSeconds)"])
        if let failure = stages.submission?.failure {
            logger.error("submission to A-Cube stopped", metadata: ["reason": "\(failure)"])
        }
        return NightResult(
            report: report, uploads: reconciliation.uploads, recovery: stages.recovery,
            submission: stages.submission, baseline: stages.baseline, dayStats: days, stageSeconds: stopwatch.laps)
    }

    /// What stages 2 to 4 give.
    private struct Stages {
        var reconciliation: Reconciliation
        var recovery: RecoveryReport?
        var submission: SubmissionReport?
        var baseline: String?
    }

    /// Stages 2 to 4: reconcile, recover (with a Spice client), submit (with `submit`), reconciling again after
    /// each of the last two.
    private func reconcile(_ inputs: NightInputs, stopwatch: Stopwatch) async throws -> Stages {
        let logger = options.logger
        let readSeconds = stopwatch.lap("read")
        logger.info(
            "read the night",
            metadata: [
                "files": "\(inputs.files.count)", "records": "\(inputs.files.reduce(0) { $0 + $1.recordsRead })",
                "rejected": "\(inputs.files.reduce(0) { $0 + $1.recordsRejected })",
                "partitions": "\(inputs.spilled?.partitionCount ?? 0)",
                "spilledMB": "\((inputs.spilled?.spilledBytes ?? 0) >> 20)", "seconds": "\(readSeconds)",
            ])
        // The state store: created by an online run; an offline run only reads one that exists.
        let store = try openStore()
        let snapshot = try store.map { try $0.snapshot() } ?? StateSnapshot()
        var recoveries = try store.map { try $0.knownOutcomes() } ?? [:]
        let baseline = try store.flatMap(Self.baselineLine)
        var recovery: RecoveryReport?
        var submission: SubmissionReport?
        // 2. reconcile
        var context = ReconcileContext(
            asOf: options.asOf, timeZone: options.timeZone, state: snapshot, recoveries: recoveries,
            rejectedSubmissions: try store.map(Self.rejectedSubmissions) ?? [:])
        var reconciliation = try Reconciler.reconcile(inputs, context: context, workers: options.workers)
        let reconcileSeconds = stopwatch.lap("reconcile")
        logger.info(
            "reconciled",
            metadata: ["findings": "\(reconciliation.findings.count)", "seconds": "\(reconcileSeconds)"])
        // 3. recover, then reconcile again with Spice's answers
        if !options.offline, let spice = services.spice {
            let settings = options.configuration.spice
            let targets = reconciliation.openAttempts.compactMap { attempt in
                settings.url(forTerminal: attempt.terminal).map { RecoveryTarget(attempt: attempt, baseURL: $0) }
            }
            logger.info(
                "recovering from Spice",
                metadata: [
                    "open": "\(reconciliation.openAttempts.count)", "withSpice": "\(targets.count)",
                    "spices": "\(Set(targets.map(\.baseURL)).count)",
                ])
            if !targets.isEmpty {
                let recovered = try await recover(targets, client: spice, journal: store)
                logger.info("\(recovered.summary)")
                recovery = recovered
                recoveries = recovered.outcomes
                context.recoveries = recoveries
                reconciliation = try Reconciler.reconcile(inputs, context: context, workers: options.workers)
                _ = stopwatch.lap("recover")
            }
        }
        // 4. submit, then reconcile again with what the state store now records
        let plan = SubmissionPlan(reconciliation, state: context.state)
        if options.submit, let acube = services.acube, let store {
            if !plan.isEmpty {
                logger.info("\(plan.describe(timeZone: options.timeZone))")
                let submitted = try await submit(plan, client: acube, store: store)
                for line in submitted.lines { logger.info("\(line)") }
                submission = submitted
                // Whatever was sent before a failure is in the store: the report reflects it.
                context.state = try store.snapshot()
                context.rejectedSubmissions = try Self.rejectedSubmissions(store).merging(
                    submitted.result?.rejected ?? [:]
                ) { $1 }
                context.uncertainSubmissions = submitted.result?.uncertain ?? [:]
                reconciliation = try Reconciler.reconcile(inputs, context: context, workers: options.workers)
                _ = stopwatch.lap("submit")
            } else {
                submission = SubmissionReport(lines: ["Nothing to send to A-Cube."])
            }
        } else {
            submission = SubmissionReport(lines: [plan.describe(timeZone: options.timeZone)])
        }
        return Stages(reconciliation: reconciliation, recovery: recovery, submission: submission, baseline: baseline)
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
            throw PipelineFailure(message: error.message)
        }
    }

    private func openStore() throws -> StateStore? {
        do {
            // An offline run that submits nothing only reads a store that exists; it never creates one.
            return options.offline && !options.submit
                ? try StateStore.openExisting(path: options.statePath)
                : try StateStore.exclusive(path: options.statePath, wait: options.lockWait)
        } catch {
            throw PipelineFailure(message: "--state: \(error)")
        }
    }

    private func recover(_ targets: [RecoveryTarget], client: any SpiceRecovering, journal: StateStore?)
        async throws -> RecoveryReport
    {
        var engine = RecoveryEngine(client: client, settings: options.configuration.spice, journal: journal)
        let progress = Progress(label: "recovering from Spice")
        let last = LastValue<RecoveryProgress>()
        engine.onProgress = {
            last.set($0)
            progress.show("\($0.done) done, \($0.open) open, \($0.failing) failing")
        }
        defer { progress.finish() }
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = try await engine.recover(targets)
        return RecoveryReport(
            outcomes: outcomes, attempts: targets.count, requests: last.value?.requests ?? 0,
            seconds: Stopwatch.seconds(clock.now - started))
    }

    /// Submits the plan; an operational failure is kept in the report's `failure` and the run goes on to write
    /// the report (what was sent before it is in the state store). A failing state store throws (exit 2).
    private func submit(_ plan: SubmissionPlan, client: any AcubeSubmitting, store: StateStore) async throws
        -> SubmissionReport
    {
        let settings = options.configuration.acube
        var engine = SubmissionEngine(client: client, store: store, timeZone: options.timeZone) { RunClock.now() }
        engine.resendAfter = .seconds(settings.requestTimeoutSeconds)
        engine.concurrency = Int(clamping: settings.concurrency)
        let progress = Progress(label: "submitting to A-Cube")
        engine.onStep = { progress.step($0) }
        defer { progress.finish() }
        do {
            return SubmissionReport(try await engine.submit(plan))
        } catch let error as StateStoreError {
            throw PipelineFailure(message: "--state: \(error)")
        } catch {
            return SubmissionReport(
                lines: ["Submission to A-Cube stopped; run again when A-Cube can be reached."], failure: "\(error)")
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
}
