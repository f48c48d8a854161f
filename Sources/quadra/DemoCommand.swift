import ArgumentParser
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraServices
import QuadraSimulators
import QuadraXML

/// `quadra demo`: a whole night on the sample night inside the binary (or a Samples folder) against the built-in
/// simulators.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a whole sample night against built-in Spice and A-Cube simulators; outputs in ./quadra-demo/.",
        discussion: """
            Writes the sample night inside quadra (the night, its Spice script, the test certificates and the
            sample configuration) into the output folder's samples/, so it runs from any directory. Starts a Spice
            simulator and an A-Cube simulator (with its mutual-TLS notifications host, using the test certificates
            of samples/certificates/) in this process on free 127.0.0.1 ports, writes a
            configuration for them, then fetches the night's A-Cube data, records what the report A-Cube already
            holds covers, recovers the in-progress payment from Spice, reconciles, submits the emergency report,
            the offline period and the journal close, and writes everything to the output folder (which it empties
            first). Nothing leaves this machine.

            Example:
              quadra demo

            Exit status: 0 or 1 as `quadra run` (the sample night needs action, so 1); 2 when the folder --samples
            names lacks the night, or a simulator cannot start.
            """
    )

    @Option(
        help: ArgumentHelp(
            "Read night-2026-11-21/, demo-spice.json and certificates/ from this folder instead of the copy inside "
                + "quadra.", valueName: "DIR"))
    var samples: String?

    @Option(help: ArgumentHelp("Where the demo writes everything (emptied first).", valueName: "DIR"))
    var out: String = "quadra-demo"

    @OptionGroup var language: LanguageOption

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let logger = output.apply(label: "quadra.demo")
        let demo = URL(fileURLWithPath: out)
        let samplesURL = samples.map { URL(fileURLWithPath: $0) } ?? demo.appendingPathComponent("samples")
        let sampleNight = samplesURL.appendingPathComponent("night-2026-11-21")
        if let samples, !FileManager.default.fileExists(atPath: sampleNight.path) {
            throw UsageFailure(
                message: "\(sampleNight.path) is missing: --samples \(samples) names no folder holding the sample night"
            )
        }
        let night = demo.appendingPathComponent("night")
        let fileManager = FileManager.default
        do {
            if fileManager.fileExists(atPath: demo.path) { try fileManager.removeItem(at: demo) }
            try fileManager.createDirectory(at: demo, withIntermediateDirectories: true)
            if samples == nil { try Self.writeEmbeddedSamples(to: samplesURL) }
            try fileManager.copyItem(at: sampleNight, to: night)
            // The A-Cube data comes from the simulator through `fetch`, as on a real night.
            try fileManager.removeItem(at: night.appendingPathComponent("acube"))
        } catch {
            throw UsageFailure(message: "cannot prepare \(demo.path): \(SystemErrorText.describe(error))")
        }

        // Simulators: credentials made up for this run, never printed. The A-Cube simulator serves notifications
        // over mutual TLS with the demo certificates of samples/certificates/ (test keys, not secrets).
        let password = UUID().uuidString
        let credentials = AcubeCredentials(email: "demo@quadra.invalid", password: password)
        let certificates = samplesURL.appendingPathComponent("certificates").standardizedFileURL
        let acube = AcubeSimulator(
            email: credentials.email, password: password,
            mutualTLS: AcubeSimulator.MutualTLS(certificates: certificates))
        let spiceScript: [String: SpiceSimulator.Behavior]
        do {
            try acube.seed(fromNight: sampleNight)
            spiceScript = try SpiceSimulator.loadScript(from: samplesURL.appendingPathComponent("demo-spice.json"))
        } catch {
            throw UsageFailure(message: "cannot load the sample data: \(error)")
        }
        let spice = SpiceSimulator(script: spiceScript)
        do {
            try await acube.start()
            try await spice.start()
        } catch {
            throw UsageFailure(message: "cannot start the simulators: \(error)")
        }
        print(
            "Spice simulator on \(spice.baseURL), A-Cube simulator on \(acube.baseURL) (notifications over mutual "
                + "TLS on \(acube.mtlsBaseURL ?? "none")).")

        let configText = """
            # Written by `quadra demo` for its simulators.
            timezone = "Europe/Rome"

            [spice]
            deadline_seconds = 20
            initial_backoff_milliseconds = 100
            maximum_backoff_seconds = 1

            [spice.terminals]
            T1 = "\(spice.baseURL)"

            [acube]
            role = "supplier"
            base_url = "\(acube.baseURL)"
            auth_url = "\(acube.baseURL)"
            mtls_base_url = "\(acube.mtlsBaseURL ?? "")"
            ca_certificate = "\(certificates.appendingPathComponent("ca.crt").path)"
            merchant_uuid = "3f2a9c4e-0000-4000-8000-000000000001"
            pems = ["E001-000001"]

            [acube.certificates]
            "E001-000001" = { certificate = "\(certificates.appendingPathComponent("E001-000001.crt").path)", \
            private_key = "\(certificates.appendingPathComponent("E001-000001.key").path)" }

            """
        let configURL = demo.appendingPathComponent("quadra.toml")
        try OutputDirectory.writeAtomically(Array(configText.utf8), to: configURL)
        let configuration = language.applied(to: try ConfigurationLoader.load(configURL.path))
        guard let zone = FiscalTimeZone(identifier: configuration.timezone),
            let asOf = TimestampParser.parseAbsolute("2026-11-22T06:00:00+01:00")
        else { throw UsageFailure(message: "the demo's time zone or as-of is invalid") }

        // 1. fetch
        let day = FiscalDay(year: 2026, month: 11, day: 21)
        let fetched = try await FetchCommand.fetch(
            settings: configuration.acube, credentials: credentials, day: day, timeZone: zone, into: night)
        print("Fetched \(fetched.files.count) A-Cube files into \(night.path)/acube/.")

        // 2. record what A-Cube already holds: the PEM holds a report filed before Quadra for 2026-11-20 (the
        // sample's export, made elsewhere, says so with its `datetime`); A-Cube's own list gives only its id, so an
        // operator records what it covers, or the run would stop on a report it never filed (SUBMISSION_UNCERTAIN)
        // and, worse, the register row of 2026-11-20 would look unfiled.
        let statePath = demo.appendingPathComponent("state.sqlite").path
        let described = try Self.describedReports(in: sampleNight, timeZone: zone)
        let recorded = try await ReportsOptions.withRegistry(
            config: configURL.path, state: statePath, credentials: credentials
        ) { registry, _ in
            var recorded: [String] = []
            for report in described {
                let known = try await registry.record(
                    pem: report.pem, id: report.id, covers: report.day,
                    note: "filed before Quadra; the sample's export gives its datetime")
                recorded.append("\(known.id) covers \(report.pem) \(report.day)")
            }
            return recorded
        }
        print("Recorded what A-Cube already held (quadra reports record): \(recorded.joined(separator: ", ")).")

        // 3–6. recover, reconcile, submit, write
        var options = NightPipeline.Options(
            input: night, output: demo.appendingPathComponent("out"), timeZone: zone, asOf: asOf, pinned: true,
            offline: false, submit: true, statePath: statePath, configuration: configuration,
            toolVersion: Quadra.version)
        options.logger = logger
        let status = try await NightRun.execute(options, credentials: credentials)
        let pageLanguage = configuration.language == .italian ? "Italian" : "English"

        print(
            """

            What happened: the day's receipts (ready and sent), journals, notifications (over mutual TLS with the
            PEM's certificate) and emergency reports were fetched; the report A-Cube already held was recorded as
            covering 2026-11-20; Spice was asked about the payment the POS left in progress (T1-S-1003-1) and
            approved it; the emergency report for E001-000001 on 2026-11-21, the client offline period and the
            journal close were sent to the A-Cube simulator, once each: the state store records them with A-Cube's
            report id, so a rerun would not resend them.
            Where to look:
              \(demo.path)/out/findings.csv         every finding with the action to take
              \(demo.path)/out/reconciliation.xml   the same, for auditors (valid against Templates/reconciliation.xsd)
              \(demo.path)/out/summary.html         the accountants' page, in \(pageLanguage)
              \(demo.path)/out/manifest.json        SHA-256 of every input and output
              \(demo.path)/night/                   the night as read (A-Cube data fetched from the simulator)
              \(demo.path)/quadra.toml              the configuration used; \(demo.path)/state.sqlite the state store
            """)
        if samples == nil {
            print("  \(demo.path)/samples/                 the sample night and test certificates, as inside quadra")
        }
        await spice.shutdown()
        await acube.shutdown()
        throw ExitCode(status)
    }

    /// Writes the copy of Samples/ inside the binary (`DemoNight`, made by scripts/embed-demo-night.sh) into `folder`;
    /// private keys readable by their owner only.
    static func writeEmbeddedSamples(to folder: URL) throws {
        for file in DemoNight.files {
            guard let bytes = Data(base64Encoded: file.base64, options: .ignoreUnknownCharacters) else {
                throw UsageFailure(message: "the sample file \(file.path) inside quadra is damaged")
            }
            let url = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try OutputDirectory.writeAtomically(Array(bytes), to: url)
            if file.path.hasSuffix(".key") {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            }
        }
    }

    /// The reports a night's exports describe with a `datetime`: id, PEM and the fiscal day they cover.
    static func describedReports(in night: URL, timeZone: FiscalTimeZone) throws -> [(
        pem: String, id: String, day: FiscalDay
    )] {
        var reader = NightReader(timeZone: timeZone, registerXML: LibXMLRegisterReader())
        reader.workers = 1
        let inputs: NightInputs
        do {
            inputs = try reader.read(directory: night)
        } catch {
            throw UsageFailure(message: "cannot read the sample night: \(error)")
        }
        var reports: [(pem: String, id: String, day: FiscalDay)] = []
        for pem in inputs.acube.keys.sorted() {
            for report in inputs.acube[pem]?.emergencyReports ?? [] {
                guard let datetime = report.datetime, !report.id.isEmpty else { continue }
                reports.append((pem, report.id, timeZone.fiscalDay(of: datetime)))
            }
        }
        return reports
    }
}
