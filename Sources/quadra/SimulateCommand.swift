import ArgumentParser
import Foundation
import QuadraCore
import QuadraServices
import QuadraSimulators

/// `quadra simulate`: run a simulator on 127.0.0.1 for integration testing.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a Spice or A-Cube simulator on 127.0.0.1 for integration testing.",
        discussion: """
            Example:
              quadra simulate spice --port 8282 --script spice-script.json

            Exit status: 0 after an interrupt; 2 bad usage, or the port is taken.
            """,
        subcommands: [SimulateSpiceCommand.self, SimulateAcubeCommand.self]
    )
}

/// `quadra simulate spice`: a scripted Spice on loopback.
struct SimulateSpiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spice",
        abstract: "Run a scripted Spice (mx51) recovery endpoint on 127.0.0.1 until interrupted.",
        discussion: """
            Answers GET /v1/ping and GET /v1/{purchase|refund|cashout|moto}?posRefId= from a script: a JSON
            object mapping each posRefId to a behaviour, for example
              {"P1": {"approved": {"amountCents": 1250}},
               "P2": {"inProgress": {"polls": 3, "then": {"declined": {"amountCents": 900}}}},
               "P3": {"reset": {"times": 2, "then": {"approved": {"amountCents": 500, "userOverride": true}}}}}
            posRefIds not in the script get --fallback (default: not found).

            Example:
              quadra simulate spice --port 8282 --script spice-script.json

            Exit status: 0 after an interrupt; 2 bad usage, unreadable script, or the port is taken.
            """
    )

    @Option(help: "The TCP port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8282

    @Option(help: ArgumentHelp("The script: a JSON object of posRefId → behaviour.", valueName: "FILE"))
    var script: String?

    @Option(help: "What posRefIds missing from the script get: not-found, approved or declined.")
    var fallback: String = "not-found"

    @Option(help: "How many Spice instances to run, on consecutive ports from --port (for load tests).")
    var instances: Int = 1

    func validate() throws {
        guard (1...1000).contains(instances) else { throw ValidationError("--instances: expected 1 to 1000") }
        guard instances == 1 || port > 0 else { throw ValidationError("--instances needs a fixed --port") }
    }

    func run() async throws {
        var behaviours: [String: SpiceSimulator.Behavior] = [:]
        if let script {
            do {
                behaviours = try SpiceSimulator.loadScript(from: URL(fileURLWithPath: script))
            } catch {
                throw UsageFailure(message: "\(script): cannot read the Spice script: \(error)")
            }
        }
        let fallbackBehavior: SpiceSimulator.Behavior
        switch fallback {
        case "not-found": fallbackBehavior = .notFound
        case "approved": fallbackBehavior = .approved(amountCents: 1000)
        case "declined": fallbackBehavior = .declined(amountCents: 1000, hostResponseText: "DECLINED")
        default:
            throw UsageFailure(message: "--fallback: expected not-found, approved or declined, found \"\(fallback)\"")
        }
        var simulators: [SpiceSimulator] = []
        for index in 0..<instances {
            let simulator = SpiceSimulator(script: behaviours, fallback: fallbackBehavior)
            let instancePort = instances == 1 ? port : port + index
            do {
                try await simulator.start(port: instancePort)
            } catch {
                throw UsageFailure(message: "cannot listen on 127.0.0.1:\(instancePort): \(error)")
            }
            simulators.append(simulator)
        }
        let listening =
            instances == 1 ? simulators[0].baseURL : "\(simulators[0].baseURL) to port \(port + instances - 1)"
        // Written straight to the descriptor: a script waiting for this line must not wait for a buffer flush.
        FileHandle.standardOutput.write(
            Data(
                "Spice simulator listening on \(listening) (\(behaviours.count) scripted posRefIds); Ctrl-C stops it.\n"
                    .utf8))
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

/// `quadra simulate acube`: A-Cube's auth and API hosts in one loopback server, and its mutual-TLS host.
struct SimulateAcubeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acube",
        abstract: "Run an A-Cube E-Receipts simulator (login, MF1, MF2, mutual-TLS notifications) on 127.0.0.1.",
        discussion: """
            Serves the receipts (receipts-ready* files are `ready`, the others `sent`), journals, notifications
            and emergency reports of NIGHT/acube/<PEM>/ (with --night), accepts emergency reports, offline
            communications and journal closes, and keeps what was posted; it refuses every body that fails
            A-Cube's published request schemas. It accepts the credentials in QUADRA_ACUBE_EMAIL and
            QUADRA_ACUBE_PASSWORD. Point acube.base_url and acube.auth_url at the API host, acube.mtls_base_url at
            the mutual-TLS host and acube.ca_certificate at CERTS/ca.crt. Notifications are served only there,
            to a client certificate signed by CERTS/ca.crt, scoped by its subject CN (the PEM serial):
            scripts/make-certificates.sh makes such certificates.

            Example:
              QUADRA_ACUBE_EMAIL=ops@example.com QUADRA_ACUBE_PASSWORD=secret \\
                quadra simulate acube --port 8443 --mtls-port 8444 --night Samples/night-2026-11-21

            Exit status: 0 after an interrupt; 2 bad usage, missing credentials, unreadable night or
            certificates, or a port is taken.
            """
    )

    @Option(help: "The TCP port of the API host on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8443

    @Option(help: "The TCP port of the mutual-TLS host (notifications) on 127.0.0.1 (0 picks a free one).")
    var mtlsPort: Int = 8444

    @Option(
        help: ArgumentHelp(
            "The folder of server.crt, server.key and ca.crt (the CA of the cash registers' certificates).",
            valueName: "CERTS"))
    var certificates: String = "Samples/certificates"

    @Option(help: ArgumentHelp("A night whose acube/<PEM>/ folders the simulator serves.", valueName: "NIGHT"))
    var night: String?

    @Option(help: "The PEM path segment: pems or point-of-sales.")
    var pathPrefix: String = "pems"

    @Option(help: "The merchant uuid of the journals route.")
    var merchantUuid: String = "3f2a9c4e-0000-4000-8000-000000000001"

    @Option(help: "The account's role: supplier, or merchant (refused every MF2 route).")
    var role: String = "supplier"

    @Option(
        help: ArgumentHelp("Milliseconds every request waits before its answer (a distant A-Cube).", valueName: "MS"))
    var latencyMs: Int = 0

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let email = environment[AcubeCredentials.emailVariable], !email.isEmpty,
            let password = environment[AcubeCredentials.passwordVariable], !password.isEmpty
        else {
            throw UsageFailure(
                message:
                    "set \(AcubeCredentials.emailVariable) and \(AcubeCredentials.passwordVariable): the simulator accepts those credentials"
            )
        }
        guard let accountRole = Configuration.AcubeSettings.Role(rawValue: role) else {
            throw UsageFailure(message: "--role: expected supplier or merchant, found \"\(role)\"")
        }
        let simulator = AcubeSimulator(
            email: email, password: password, role: accountRole, merchantUUID: merchantUuid, pathPrefix: pathPrefix,
            mutualTLS: AcubeSimulator.MutualTLS(certificates: URL(fileURLWithPath: certificates)))
        simulator.delayEveryRequest(milliseconds: latencyMs)
        if let night {
            do {
                try simulator.seed(fromNight: URL(fileURLWithPath: night))
            } catch {
                throw UsageFailure(message: "\(night): cannot load the A-Cube data: \(error)")
            }
        }
        do {
            try await simulator.start(port: port, mtlsPort: mtlsPort)
        } catch {
            throw UsageFailure(message: "cannot start the A-Cube simulator: \(error)")
        }
        FileHandle.standardOutput.write(
            Data(
                ("A-Cube simulator listening on \(simulator.baseURL), notifications over mutual TLS on "
                    + "\(simulator.mtlsBaseURL ?? "none"); Ctrl-C stops it.\n").utf8))
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
