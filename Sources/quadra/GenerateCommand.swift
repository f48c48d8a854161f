import ArgumentParser
import Foundation
import QuadraCore
import QuadraGenerator

/// `quadra generate`: a realistic night with every scenario at configurable rates, and its expected findings.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic night (POS logs, A-Cube exports, registers) with known findings.",
        discussion: """
            Sales run from 08:00 to 22:00 on \(NightGenerator.day) over the terminals; terminal N belongs to PEM
            N mod PEMS. Outages, crashes, declines, overrides, double charges, unreceipted sales, orphan receipts,
            CSV and XML registers and broken lines are planted at the given rates, and OUT/expected-findings.json
            counts the findings the contract prescribes for them (reconcile with --as-of \(NightGenerator.asOf)).
            The same options and seed give the same bytes.

            Example:
              quadra generate --sales 1000000 --pems 200 --terminals 400 --seed 7 --out /tmp/night

            Exit status: 0 written; 2 bad usage or the folder cannot be written.
            """
    )

    @Option(help: "Number of sales.") var sales: Int = 10_000
    @Option(help: "Number of PEMs.") var pems: Int = 4
    @Option(help: "Number of terminals (at least the number of PEMs).") var terminals: Int = 8
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("The night's folder (created).", valueName: "DIR")) var out: String
    @Option(help: "Rate of crashed payments (answer never logged).") var crash: Double = 0.01
    @Option(help: "Rate of declined-then-approved payments.") var decline: Double = 0.03
    @Option(help: "Rate of manual overrides.") var override: Double = 0.005
    @Option(name: .customLong("double-charge"), help: "Rate of double charges.") var doubleCharge: Double = 0.002
    @Option(name: .customLong("receipt-missing"), help: "Rate of unreceipted cash sales.") var receiptMissing: Double =
        0.005
    @Option(name: .customLong("client-outage"), help: "Share of PEMs with a client outage.") var clientOutage: Double =
        0.25
    @Option(name: .customLong("platform-outage"), help: "Share of PEMs with a platform outage.") var platformOutage:
        Double = 0.25
    @Option(help: "Share of PEMs with a communication incident.") var incident: Double = 0.25
    @Option(help: "Share of offline sales written in a register.") var recorded: Double = 0.7
    @Option(name: .customLong("orphans-per-pem"), help: "A-Cube receipts no POS event names, per PEM.")
    var orphansPerPem: Int = 1
    @Option(name: .customLong("bad-lines"), help: "Rate of broken POS lines.") var badLines: Double = 0.0005
    @Option(help: "Share of offline sales paid with meal tickets.") var ticket: Double = 0
    @Option(help: "Share of offline sales with a natura code (N1 to N6) instead of 22.00.") var natura: Double = 0

    func validate() throws {
        guard sales >= 1, pems >= 1, terminals >= pems else {
            throw ValidationError("expected --sales ≥ 1, --pems ≥ 1 and --terminals ≥ --pems")
        }
        for (name, rate) in [
            ("crash", crash), ("decline", decline), ("override", override), ("double-charge", doubleCharge),
            ("receipt-missing", receiptMissing), ("client-outage", clientOutage), ("platform-outage", platformOutage),
            ("incident", incident), ("recorded", recorded), ("bad-lines", badLines), ("ticket", ticket),
            ("natura", natura),
        ] where !(0...1).contains(rate) {
            throw ValidationError("--\(name): expected a rate from 0 to 1")
        }
    }

    func run() throws {
        var settings = NightGenerator.Settings()
        settings.sales = sales
        settings.pems = pems
        settings.terminals = terminals
        settings.seed = seed
        settings.crash = crash
        settings.decline = decline
        settings.override = override
        settings.doubleCharge = doubleCharge
        settings.receiptMissing = receiptMissing
        settings.clientOutage = clientOutage
        settings.platformOutage = platformOutage
        settings.incident = incident
        settings.recorded = recorded
        settings.orphansPerPem = orphansPerPem
        settings.badLine = badLines
        settings.ticket = ticket
        settings.natura = natura
        let expected: [FindingCode: Int]
        do {
            expected = try NightGenerator(settings: settings).write(to: URL(fileURLWithPath: out))
        } catch {
            throw UsageFailure(message: "\(out): cannot write the night: \(SystemErrorText.describe(error))")
        }
        print(
            "Wrote \(sales) sales over \(pems) PEMs and \(terminals) terminals to \(out) (\(expected.values.reduce(0, +)) findings planted)."
        )
    }
}
