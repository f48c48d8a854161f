import Foundation
import QuadraSimulators
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `quadra fetch`, `quadra run --submit` and `quadra submit` as a user runs them: the built binary against an
/// A-Cube simulator on 127.0.0.1 seeded with the sample night's A-Cube data.
@Suite struct AcubeSubmissionTests {
    static let email = "night-ops@example.com"
    static let password = "Quadra-pw-7f3e!"
    static let environment = ["QUADRA_ACUBE_EMAIL": email, "QUADRA_ACUBE_PASSWORD": password]
    static let asOf = "2026-11-22T06:00:00+01:00"
    static let sample = QuadraBinary.packageRoot.appendingPathComponent("Samples/night-2026-11-21")

    /// A working folder with a copy of the sample night (without its acube/ data unless asked) and a configuration.
    static func workspace(_ simulator: AcubeSimulator, keepAcube: Bool = true, role: String = "supplier") throws -> URL
    {
        let root = try QuadraBinary.temporaryDirectory("acube")
        let night = root.appendingPathComponent("night")
        try FileManager.default.copyItem(at: sample, to: night)
        if !keepAcube { try FileManager.default.removeItem(at: night.appendingPathComponent("acube")) }
        let config = """
            [acube]
            role = "\(role)"
            base_url = "\(simulator.baseURL)"
            auth_url = "\(simulator.baseURL)"
            merchant_uuid = "3f2a9c4e-0000-4000-8000-000000000001"
            pems = ["E001-000001"]
            page_size = 4
            request_timeout_seconds = 5
            maximum_retries = 1
            """
        try Data(config.utf8).write(to: root.appendingPathComponent("quadra.toml"))
        return root
    }

    static func startAcube() async throws -> AcubeSimulator {
        let simulator = AcubeSimulator(email: email, password: password)
        try simulator.seed(fromNight: sample)
        try await simulator.start()
        return simulator
    }

    static func run(_ root: URL, _ extra: [String], out: String = "out") async throws -> QuadraBinary.Result {
        try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--input", "night", "--out", out, "--config", "quadra.toml", "--state",
                "state.sqlite",
                "--as-of", asOf,
            ] + extra, in: root, environment: environment)
    }

    static func codes(_ root: URL, out: String = "out") throws -> [String] {
        let csv = try String(contentsOf: root.appendingPathComponent(out + "/findings.csv"), encoding: .utf8)
        return csv.split(separator: "\r\n").dropFirst().map { String($0.prefix { $0 != "," }) }
    }

    @Test func fetchThenSubmitThenRerunSendsEverythingExactlyOnce() async throws {
        let simulator = try await Self.startAcube()
        let root = try Self.workspace(simulator, keepAcube: false)
        let fetch = try await QuadraBinary.runAsync(
            ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night"], in: root,
            environment: Self.environment)
        #expect(fetch.status == 0, "\(fetch.stderr)")
        let fetched = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("night/acube/E001-000001").path)
        #expect(fetched.contains("receipts-1.json") && fetched.contains("receipts-3.json"), "\(fetched)")
        #expect(fetched.contains("emergency-reports.json"))

        // Without --submit nothing is sent and the summary says what would be.
        let dry = try await Self.run(root, [], out: "dry")
        #expect(dry.stdout.contains("With --submit, Quadra would submit 1 emergency report (E001-000001 2026-11-21)"))
        #expect(simulator.postedEmergencyReports(pem: "E001-000001").isEmpty)
        let dryCodes = try Self.codes(root, out: "dry")
        #expect(dryCodes.contains("OFFLINE_RECORD_UNSUBMITTED") && dryCodes.contains("JOURNAL_NOT_CLOSED"))

        let first = try await Self.run(root, ["--submit"])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        let codes = try Self.codes(root)
        for gone in ["OFFLINE_RECORD_UNSUBMITTED", "OFFLINE_PERIOD_NOT_NOTIFIED", "JOURNAL_NOT_CLOSED"] {
            #expect(!codes.contains(gone), "\(gone) is settled by the submission")
        }
        #expect(codes.contains("OFFLINE_SALE_NOT_RECORDED"), "a sale in no register stays, covered or not")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out/uploads").path))

        let second = try await Self.run(root, ["--submit"], out: "out2")
        #expect(second.stdout.contains("Nothing to send to A-Cube."))
        #expect(simulator.postedEmergencyReports(pem: "E001-000001").count == 1)
        #expect(simulator.offlinePeriods(pem: "E001-000001").count == 1)
        #expect(simulator.journalCloses(pem: "E001-000001") == 1)
        for name in ["findings.csv", "reconciliation.xml"] {
            let a = try Data(contentsOf: root.appendingPathComponent("out/" + name))
            let b = try Data(contentsOf: root.appendingPathComponent("out2/" + name))
            #expect(a == b, "\(name): the rerun's report is the same")
        }
        await simulator.shutdown()
    }

    @Test func submitSendsPreparedUploadsOnceAndARefusalIsReported() async throws {
        let simulator = try await Self.startAcube()
        let root = try Self.workspace(simulator, role: "merchant")
        _ = try await Self.run(root, [])
        simulator.rejectNextUploads(1, violations: [("datetime", "must be within the fiscal day")])
        let refused = try await QuadraBinary.runAsync(
            ["submit", "--config", "quadra.toml", "--state", "state.sqlite", "out"], in: root,
            environment: Self.environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("SUBMISSION_REJECTED E001-000001 2026-11-21"))
        #expect(refused.stderr.contains("must be within the fiscal day"))
        // The report of the next run carries the refusal.
        _ = try await Self.run(root, [], out: "after")
        #expect(try Self.codes(root, out: "after").contains("SUBMISSION_REJECTED"))
        #expect(
            simulator.requests.contains { $0.path.hasSuffix("/emergency-report") && $0.path.hasPrefix("/mf1/") },
            "merchant: MF1")
        await simulator.shutdown()
    }

    @Test func killedWhileThePostIsInFlightThenRerunSubmitsExactlyOnce() async throws {
        let simulator = try await Self.startAcube()
        let root = try Self.workspace(simulator)
        simulator.holdNextUploads(1, milliseconds: 20_000)
        let process = Process()
        process.executableURL = QuadraBinary.executable
        process.arguments = [
            "run", "--offline", "--submit", "--input", "night", "--out", "out", "--config", "quadra.toml", "--state",
            "state.sqlite", "--as-of", Self.asOf,
        ]
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The pending record is written before the POST: kill once the POST is at A-Cube, not yet stored.
        while simulator.uploadsHeld == 0, process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        while simulator.uploadsHeld > 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(simulator.postedEmergencyReports(pem: "E001-000001").isEmpty, "the killed POST never landed")

        let rerun = try await Self.run(root, ["--submit"])
        #expect(rerun.status == 1, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        let posts = simulator.requests.enumerated().filter {
            $0.element.method == "POST" && $0.element.path.hasSuffix("upload-emergency-report")
        }
        let lists = simulator.requests.enumerated().filter {
            $0.element.method == "GET" && $0.element.path.hasSuffix("/emergency-reports")
        }
        // The killed POST never reached A-Cube's books; the rerun listed the reports, then sent once.
        #expect(posts.count == 1)
        #expect(lists.contains { $0.offset < (posts.first?.offset ?? 0) }, "listed before sending again")
        _ = try await Self.run(root, ["--submit"], out: "out3")
        #expect(simulator.postedEmergencyReports(pem: "E001-000001").count == 1, "exactly one report at A-Cube")
        await simulator.shutdown()
    }

    @Test func thePasswordAndTheTokenAppearNowhere() async throws {
        let simulator = try await Self.startAcube()
        let root = try Self.workspace(simulator)
        let result = try await Self.run(root, ["--submit"])
        #expect(result.status == 1)
        let token = try #require(
            simulator.requests.compactMap { $0.headers["authorization"] }.first?.replacingOccurrences(
                of: "Bearer ", with: ""))
        #expect(token.count > 10)
        var haystacks = [result.stdout, result.stderr]
        let out = root.appendingPathComponent("out")
        for path in try FileManager.default.subpathsOfDirectory(atPath: out.path) {
            if let data = FileManager.default.contents(atPath: out.appendingPathComponent(path).path) {
                haystacks.append(String(decoding: data, as: UTF8.self))
            }
        }
        for name in ["state.sqlite", "state.sqlite-wal"] {
            if let data = FileManager.default.contents(atPath: root.appendingPathComponent(name).path) {
                haystacks.append(String(decoding: data, as: UTF8.self))
            }
        }
        // A refused login and an unreachable A-Cube: their errors must not carry the secret either.
        let wrong = try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--submit", "--input", "night", "--out", "wrong", "--config", "quadra.toml",
                "--state", "w.sqlite",
            ],
            in: root,
            environment: ["QUADRA_ACUBE_EMAIL": Self.email, "QUADRA_ACUBE_PASSWORD": Self.password + "-wrong"])
        #expect(wrong.status == 2)
        haystacks += [wrong.stdout, wrong.stderr]
        await simulator.shutdown()
        let down = try await QuadraBinary.runAsync(
            ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night2"], in: root,
            environment: Self.environment)
        #expect(down.status == 2)
        haystacks += [down.stdout, down.stderr]
        for text in haystacks {
            #expect(!text.contains(Self.password), "the password leaked")
            #expect(!text.contains(token), "the token leaked")
        }
        #expect(wrong.stderr.contains("QUADRA_ACUBE") || wrong.stderr.contains("credentials"), "\(wrong.stderr)")
    }

    @Test func aMissingCredentialStopsTheRunBeforeAnythingIsWritten() async throws {
        let simulator = try await Self.startAcube()
        let root = try Self.workspace(simulator)
        let result = try await QuadraBinary.runAsync(
            ["run", "--offline", "--submit", "--input", "night", "--out", "out", "--config", "quadra.toml"], in: root,
            environment: ["QUADRA_ACUBE_EMAIL": "", "QUADRA_ACUBE_PASSWORD": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("QUADRA_ACUBE_EMAIL"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
        await simulator.shutdown()
    }
}
