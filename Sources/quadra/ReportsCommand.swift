import ArgumentParser
import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraServices

/// `quadra reports`: what an operator does about the emergency reports A-Cube holds, so that a report is never filed
/// twice (apis.md, "Exactly once"). The work is `ReportRegistry`'s; these commands gather options and print.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "See and record the emergency reports A-Cube holds, so that none is ever filed twice.",
        discussion: """
            A-Cube's list of a PEM's emergency reports gives ids only, never the day a report covers, so the state
            store is the record of what Quadra filed. When A-Cube holds a report the store never recorded (someone
            else filed it, or the store was lost), or a submission's outcome cannot be told from the list, Quadra
            sends no emergency report for that PEM and reports SUBMISSION_UNCERTAIN until an operator says what the
            report covers here.

            Examples:
              quadra reports list --config quadra.toml
              quadra reports record --config quadra.toml --pem E001-000001 --id 1042 --covers 2026-11-21
              quadra reports record --config quadra.toml --pem E001-000001 --id 1043 --covers-nothing
              quadra reports not-filed --pem E001-000001 --day 2026-11-21
              quadra reports baseline --config quadra.toml --confirm-existing-reports-predate-quadra

            Exit status: as each subcommand says; 2 for bad usage.
            """,
        subcommands: [
            ReportsListCommand.self, ReportsRecordCommand.self, ReportsNotFiledCommand.self,
            ReportsBaselineCommand.self,
        ]
    )
}

/// The options every `quadra reports` subcommand that talks to A-Cube shares.
struct ReportsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The configuration file (TOML) with the [acube] table (default: $QUADRA_CONFIG).", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("The SQLite state store.", valueName: "FILE"))
    var state: String = "quadra-state.sqlite"

    @OptionGroup var lock: LockOptions

    /// Opens the store and a client, runs `body` with the registry, and always shuts the client down.
    func withRegistry<T>(_ body: (ReportRegistry, Configuration) async throws -> T) async throws -> T {
        try await Self.withRegistry(config: config, state: state, wait: lock.wait, body)
    }

    /// `withRegistry` for the configuration file `config` and the state store `state`.
    static func withRegistry<T>(
        config: String?, state: String, wait: Duration = .zero, credentials given: AcubeCredentials? = nil,
        _ body: (ReportRegistry, Configuration) async throws -> T
    ) async throws -> T {
        let configuration = try ConfigurationLoader.load(try ConfigurationLoader.requiredPath(config))
        let credentials = try given ?? Credentials.fromEnvironment()
        let store = try AcubeConnection.openStore(state, wait: wait)
        let connection = try AcubeConnection(settings: configuration.acube, credentials: credentials)
        let registry = ReportRegistry(client: connection.client, store: store, now: { RunClock.now() })
        do {
            let value = try await body(registry, configuration)
            await connection.shutdown()
            return value
        } catch {
            await connection.shutdown()
            if error is ExitCode || error is UsageFailure { throw error }
            throw UsageFailure(message: "\(error)")
        }
    }
}

/// `quadra reports list`.
struct ReportsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show each PEM's reports at A-Cube beside what the state store knows of them.",
        discussion: """
            For each PEM (acube.pems, or --pem), lists the ids A-Cube holds and what the store knows of each:
            filed by Quadra for a day, existing before Quadra (baseline), or recorded by an operator; NOT RECORDED
            marks an id that stops the PEM's emergency reports. Submissions whose outcome is not settled are listed
            too.

            Example:
              quadra reports list --config quadra.toml --state /var/lib/quadra/state.sqlite

            Exit status: 0 nothing needs action; 1 an id is not recorded or a submission is not settled; 2 bad usage,
            configuration or credentials, or A-Cube could not be used.
            """
    )

    @OptionGroup var options: ReportsOptions

    @Option(help: ArgumentHelp("Only this PEM (repeatable); default acube.pems.", valueName: "PEM"))
    var pem: [String] = []

    func run() async throws {
        let needsAction = try await options.withRegistry { registry, configuration in
            let pems = pem.isEmpty ? configuration.acube.pems : pem
            guard !pems.isEmpty else { throw UsageFailure(message: "no PEM: set acube.pems or pass --pem") }
            var needsAction = false
            for entry in try await registry.reports(pems: pems) {
                needsAction = needsAction || entry.needsAction
                print(Self.describe(entry))
            }
            return needsAction
        }
        throw ExitCode(needsAction ? 1 : 0)
    }

    static func describe(_ entry: ReportRegistry.PemReports) -> String {
        var lines: [String] = []
        if let listed = entry.listed {
            lines.append("\(entry.pem): A-Cube holds \(listed.count) emergency report\(listed.count == 1 ? "" : "s")")
            for item in listed {
                let known = item.known.map { StateStore.describe($0) } ?? "NOT RECORDED: record what it covers"
                lines.append("  \(item.id)  \(known)")
            }
        } else {
            lines.append("\(entry.pem): A-Cube's reports cannot be listed with acube.role merchant")
        }
        for report in entry.notListed {
            lines.append("  \(report.id)  \(StateStore.describe(report)), but A-Cube does not list it")
        }
        for record in entry.unsettled {
            lines.append("  submission for \(record.key.day): NOT SETTLED (\(record.status.rawValue))")
        }
        return lines.joined(separator: "\n")
    }
}

/// `quadra reports record`.
struct ReportsRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record what one of A-Cube's emergency reports covers.",
        discussion: """
            With --covers DAY, Quadra treats (PEM, DAY) as covered and never files it; with --covers-nothing, the
            report is known and covers nothing Quadra would send. A supplier's id is checked at A-Cube first. A
            submission of that day whose outcome was not settled is settled by it.

            Example:
              quadra reports record --config quadra.toml --pem E001-000001 --id 1042 --covers 2026-11-21

            Exit status: 0 recorded; 2 refused (unknown id, an id recorded otherwise, bad usage).
            """
    )

    @OptionGroup var options: ReportsOptions

    @Option(help: ArgumentHelp("The PEM serial number.", valueName: "PEM"))
    var pem: String

    @Option(help: ArgumentHelp("A-Cube's report id.", valueName: "ID"))
    var id: String

    @Option(help: ArgumentHelp("The fiscal day the report covers.", valueName: "DAY"))
    var covers: String?

    @Flag(help: "The report covers nothing Quadra would send (a test, a day before Quadra…).")
    var coversNothing = false

    @Option(help: ArgumentHelp("Why, for the record.", valueName: "TEXT"))
    var note: String?

    func validate() throws {
        guard (covers == nil) != !coversNothing else {
            throw ValidationError("give exactly one of --covers DAY and --covers-nothing")
        }
        if let covers, FiscalDay.parse(covers)?.isValid != true {
            throw ValidationError("--covers: expected a day like 2026-11-21, found \"\(covers)\"")
        }
    }

    func run() async throws {
        let day = covers.flatMap { FiscalDay.parse($0) }
        let report = try await options.withRegistry { registry, _ in
            try await registry.record(pem: pem, id: id, covers: day, note: note)
        }
        print("Recorded: emergency report \(report.id) of \(report.pem) is \(StateStore.describe(report)).")
    }
}

/// `quadra reports not-filed`.
struct ReportsNotFiledCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "not-filed",
        abstract: "Record that a submission whose outcome was not settled never reached A-Cube.",
        discussion: """
            For a submission left unsettled (SUBMISSION_UNCERTAIN) that you checked at A-Cube and found absent: a
            later run may send it again (a supplier's run checks A-Cube's list first).

            Example:
              quadra reports not-filed --state /var/lib/quadra/state.sqlite --pem E001-000001 --day 2026-11-21

            Exit status: 0 recorded; 2 refused (no unsettled submission for that PEM and day, bad usage).
            """
    )

    @Option(help: ArgumentHelp("The SQLite state store.", valueName: "FILE"))
    var state: String = "quadra-state.sqlite"

    @Option(help: ArgumentHelp("The PEM serial number.", valueName: "PEM"))
    var pem: String

    @Option(help: ArgumentHelp("The fiscal day of the submission.", valueName: "DAY"))
    var day: String

    @Option(help: ArgumentHelp("Why, for the record.", valueName: "TEXT"))
    var note: String?

    func run() async throws {
        guard let fiscalDay = FiscalDay.parse(day), fiscalDay.isValid else {
            throw UsageFailure(message: "--day: expected a day like 2026-11-21, found \"\(day)\"")
        }
        do {
            guard let store = try StateStore.exclusive(path: state, createIfMissing: false) else {
                throw UsageFailure(message: "--state: \(state): no such state store")
            }
            try ReportRegistry.notFiled(store: store, pem: pem, day: fiscalDay, note: note, at: RunClock.now())
        } catch let error as UsageFailure {
            throw error
        } catch {
            throw UsageFailure(message: "\(error)")
        }
        print(
            "Recorded: the emergency report of \(pem) for \(fiscalDay) never reached A-Cube; a run may send it again.")
    }
}

/// `quadra reports baseline`.
struct ReportsBaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "On a new state store, record every report A-Cube holds now as existing before Quadra.",
        discussion: """
            For a supplier whose PEMs already hold emergency reports from before Quadra: lists every report of every
            PEM of acube.pems and records each as existing before Quadra, so that runs do not stop on them. Quadra
            never learns which day those reports cover: only take a baseline when none of them covers a day Quadra
            is about to file. Refused on a state store that already records reports of one of the PEMs.

            Example:
              quadra reports baseline --config quadra.toml --confirm-existing-reports-predate-quadra

            Exit status: 0 recorded; 2 refused (no confirmation, a store in use, a merchant account, bad usage).
            """
    )

    @OptionGroup var options: ReportsOptions

    @Flag(help: "Say that every report A-Cube holds now was filed before Quadra (required).")
    var confirmExistingReportsPredateQuadra = false

    func run() async throws {
        guard confirmExistingReportsPredateQuadra else {
            throw UsageFailure(
                message: "a baseline records every report A-Cube holds now as existing before Quadra: check that none "
                    + "covers a day Quadra will file, then pass --confirm-existing-reports-predate-quadra")
        }
        let recorded = try await options.withRegistry { registry, configuration in
            guard !configuration.acube.pems.isEmpty else {
                throw UsageFailure(message: "acube.pems is empty: list the PEMs whose reports to record")
            }
            return try await registry.baseline(pems: configuration.acube.pems)
        }
        let total = recorded.reduce(0) { $0 + $1.ids.count }
        print("Baseline recorded in \(options.state): \(total) report\(total == 1 ? "" : "s") existing before Quadra.")
        for entry in recorded {
            print("  \(entry.pem): " + (entry.ids.isEmpty ? "none" : entry.ids.joined(separator: ", ")))
        }
    }
}
