import ArgumentParser
import Foundation
import QuadraCore
import QuadraPipeline

/// `quadra run`: the nightly job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Reconcile a night, recover in-progress payments from Spice, and write the reports.",
        discussion: """
            Reads NIGHT (pos/, acube/<PEM>/, emergency/), asks Spice about every attempt the POS left in
            progress (unless --offline; only terminals with a Spice URL in the configuration), reconciles,
            and writes OUT/reconciliation.xml, OUT/findings.csv, OUT/uploads/<PEM>/<day>.json and .xml,
            OUT/summary.html (for accountants, in Italian or English) and OUT/manifest.json, each atomically.
            Final Spice answers are kept in the state store, so a rerun asks only about what is still open.

            Example:
              quadra run --offline --input Samples/night-2026-11-21 --out out --as-of 2026-11-22T06:00:00+01:00
              quadra run --config quadra.toml --input /srv/nights/2026-11-21 --out /srv/reports/2026-11-21

            Exit status: 0 nothing needs action; 1 findings that need action, or rejected input;
            2 the run could not be done (bad usage, bad configuration, unreadable input directory or state
            store); nothing is written then.
            """
    )

    @Option(help: ArgumentHelp("The night's input directory.", valueName: "NIGHT"))
    var input: String

    @Option(help: ArgumentHelp("The output directory (created when missing).", valueName: "OUT"))
    var out: String

    @Option(
        help: ArgumentHelp(
            "The configuration file (TOML, formats.md §6); default: $QUADRA_CONFIG; without either, the defaults.",
            valueName: "FILE"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "The SQLite state store (default: the configuration's `state`, else quadra-state.sqlite here).",
            valueName: "FILE"))
    var state: String?

    @Flag(help: "Do not contact Spice: unanswered attempts not recovered before are PAYMENT_IN_PROGRESS.")
    var offline = false

    @Flag(
        help: """
            Send to A-Cube: the prepared emergency reports, the offline periods to notify, the journals to close \
            (credentials from QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD). Without it nothing is sent and the \
            summary says what would be.
            """)
    var submit = false

    @Option(
        help: ArgumentHelp(
            "Threads that read and reconcile (default: the processors this process may use).", valueName: "N"))
    var jobs: Int?

    @Option(
        help: ArgumentHelp(
            """
            About how many MB of POS log go to one partition. The POS records are spilled by sale to unlinked \
            temporary files (in TMPDIR) and reconciled a partition per thread at a time, so memory grows with \
            this, not with the night.
            """, valueName: "MB"))
    var partitionMb = 4

    @Option(
        help: ArgumentHelp(
            """
            The longest POS log line read, in MB (decompressed, for .jsonl.gz): a longer line is rejected \
            (INPUT_REJECTED) without being held in memory, and the rest of its file is read.
            """, valueName: "MB"))
    var maxLineMb = LineReader.defaultMaximumLineBytes >> 20

    @OptionGroup var language: LanguageOption

    @OptionGroup var lock: LockOptions

    @OptionGroup var clock: ClockOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if partitionMb < 1 { throw ValidationError("--partition-mb must be at least 1") }
        if maxLineMb < 1 || maxLineMb > 2047 { throw ValidationError("--max-line-mb must be from 1 to 2047") }
    }

    @Option(
        help: ArgumentHelp(
            "Write the night's figures here in the Prometheus text format (node_exporter's textfile collector), "
                + "atomically; also when the run fails.", valueName: "FILE"))
    var metrics: String?

    func run() async throws {
        let status: Int32
        do {
            status = try await runNight()
        } catch {
            // A run that could not be done still tells monitoring so (exit status 2), keeping the last success time.
            if let metrics {
                try? MetricsFile.write(to: metrics, result: nil, exitStatus: 2, finishedAt: RunClock.now())
            }
            throw error
        }
        throw ExitCode(status)
    }

    private func runNight() async throws -> Int32 {
        let logger = output.apply(label: "quadra.run")
        let configuration = language.applied(to: try ConfigurationLoader.load(config))
        let (asOf, pinned) = try clock.referenceTime()
        let state = self.state ?? configuration.state ?? "quadra-state.sqlite"
        if !offline, configuration.spice.defaultURL == nil, configuration.spice.terminals.isEmpty {
            // Said rather than skipped in silence: a forgotten configuration would leave every payment unrecovered.
            StandardError.warning(
                "no Spice is configured ([spice] default_url or [spice.terminals]"
                    + (ConfigurationLoader.path(config) == nil ? ", and no --config or QUADRA_CONFIG" : "")
                    + "): payments left in progress are not recovered; run with --offline to say that is meant")
        }
        let zone = try clock.fiscalTimeZone(configured: configuration.timezone)
        var options = NightPipeline.Options(
            input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out), timeZone: zone, asOf: asOf,
            pinned: pinned, offline: offline, submit: submit, statePath: state, configuration: configuration,
            toolVersion: Quadra.version)
        options.lockWait = lock.wait
        options.workers = jobs ?? ParallelWork.defaultWorkers
        options.partitionBytes = partitionMb << 20
        options.maximumLineBytes = maxLineMb << 20
        options.logger = logger
        return try await NightRun.execute(options, quiet: output.quiet, metrics: metrics)
    }
}

/// Reads the configuration file, turning its problems into exit status 2. Without `--config`, `QUADRA_CONFIG` names
/// the file (cron and systemd set it once for every command).
enum ConfigurationLoader {
    static let environmentVariable = "QUADRA_CONFIG"

    /// `--config`, else `QUADRA_CONFIG` (when set and not empty), else nil.
    static func path(_ given: String?) -> String? {
        given ?? ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The configuration file a command cannot do without.
    static func requiredPath(_ given: String?) throws -> String {
        guard let path = path(given) else {
            throw UsageFailure(message: "name the configuration file: --config FILE, or \(environmentVariable)=FILE")
        }
        return path
    }

    /// The configuration of `--config` or `QUADRA_CONFIG`; the defaults when neither names one.
    static func load(_ given: String?) throws -> Configuration {
        guard let path = path(given) else { return Configuration() }
        do {
            return try Configuration.load(url: URL(fileURLWithPath: path))
        } catch {
            throw UsageFailure(message: "bad configuration: \(error.description)")
        }
    }
}
