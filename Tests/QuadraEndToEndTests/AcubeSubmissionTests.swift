import Foundation
import QuadraCore
import QuadraSimulators
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `quadra fetch`, `quadra run --submit`, `quadra submit` and `quadra reports` as a user runs them: the built binary
/// against an A-Cube simulator on 127.0.0.1 (with its mutual-TLS notifications host) seeded with the sample night's
/// A-Cube data. In every case A-Cube ends with at most one emergency report per (PEM, fiscal day).
@Suite struct AcubeSubmissionTests {
    static let email = "night-ops@example.com"
    static let password = "Quadra-pw-7f3e!"
    static let environment = ["QUADRA_ACUBE_EMAIL": email, "QUADRA_ACUBE_PASSWORD": password]
    static let asOf = "2026-11-22T06:00:00+01:00"
    static let sample = QuadraBinary.packageRoot.appendingPathComponent("Samples/night-2026-11-21")
    static let certificates = QuadraBinary.packageRoot.appendingPathComponent("Samples/certificates")
    static let pem = "E001-000001"

    /// A working folder with a copy of the sample night (without its acube/ data unless asked) and a configuration.
    /// The request timeout is long by default: the simulator shares a busy machine with the whole suite (a 5 s
    /// timeout once ran out on CI for a login), and no test here waits for it to pass unless it sets its own.
    static func workspace(
        _ simulator: AcubeSimulator, keepAcube: Bool = true, role: String = "supplier", pems: [String] = [pem],
        timeout: Int = 30
    ) throws -> URL {
        let root = try QuadraBinary.temporaryDirectory("acube")
        let night = root.appendingPathComponent("night")
        try FileManager.default.copyItem(at: sample, to: night)
        if !keepAcube { try FileManager.default.removeItem(at: night.appendingPathComponent("acube")) }
        let config = """
            [acube]
            role = "\(role)"
            base_url = "\(simulator.baseURL)"
            auth_url = "\(simulator.baseURL)"
            mtls_base_url = "\(simulator.mtlsBaseURL ?? "")"
            ca_certificate = "\(certificates.appendingPathComponent("ca.crt").path)"
            merchant_uuid = "3f2a9c4e-0000-4000-8000-000000000001"
            pems = [\(pems.map { "\"\($0)\"" }.joined(separator: ", "))]
            page_size = 4
            request_timeout_seconds = \(timeout)
            maximum_retries = 1

            [acube.certificates]
            "E001-000001" = { certificate = "\(certificates.appendingPathComponent("E001-000001.crt").path)", \
            private_key = "\(certificates.appendingPathComponent("E001-000001.key").path)" }
            """
        try Data(config.utf8).write(to: root.appendingPathComponent("quadra.toml"))
        return root
    }

    static func startAcube(role: Configuration.AcubeSettings.Role = .supplier) async throws -> AcubeSimulator {
        let simulator = AcubeSimulator(
            email: email, password: password, role: role,
            mutualTLS: AcubeSimulator.MutualTLS(certificates: certificates))
        try simulator.seed(fromNight: sample)
        try await simulator.start()
        return simulator
    }

    static func run(_ root: URL, _ extra: [String], out: String = "out") async throws -> QuadraBinary.Result {
        try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--input", "night", "--out", out, "--config", "quadra.toml", "--state",
                "state.sqlite", "--as-of", asOf,
            ] + extra, in: root, environment: environment)
    }

    static func quadra(_ root: URL, _ arguments: [String]) async throws -> QuadraBinary.Result {
        try await QuadraBinary.runAsync(arguments, in: root, environment: environment)
    }

    static func codes(_ root: URL, out: String = "out") throws -> [String] {
        let csv = try String(contentsOf: root.appendingPathComponent(out + "/findings.csv"), encoding: .utf8)
        return csv.split(separator: "\r\n").dropFirst().map { String($0.prefix { $0 != "," }) }
    }

    /// Reports A-Cube holds per fiscal day of their posted `datetime`: the heart of every test here.
    static func reportsPerDay(_ simulator: AcubeSimulator) -> [String: Int] {
        var days: [String: Int] = [:]
        for report in simulator.postedEmergencyReports(pem: pem) {
            days[String(report.datetime.prefix(10)), default: 0] += 1
        }
        return days
    }

    // MARK: - A whole night

    @Test func fetchRecordThenSubmitThenRerunSendsEverythingExactlyOnce() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator, keepAcube: false)
        let fetch = try await Self.quadra(
            root, ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night"])
        #expect(fetch.status == 0, "\(fetch.stderr)")
        let fetched = Set(
            try FileManager.default.contentsOfDirectory(
                atPath: root.appendingPathComponent("night/acube/\(Self.pem)").path))
        #expect(
            fetched == [
                "receipts-ready-1.json", "receipts-sent-1.json", "receipts-sent-2.json", "receipts-sent-3.json",
                "journals-1.json", "notifications-1.json", "notifications-2.json", "emergency-reports-1.json",
            ])
        let notifications = simulator.requests.filter { $0.path == "/mf1/notifications" }
        #expect(notifications.map(\.status) == [200, 200], "polled over mutual TLS, 4 a page")

        // A-Cube's list gives 1120 without its day: until an operator says what it covers, nothing is filed.
        let blocked = try await Self.run(root, ["--submit"], out: "blocked")
        #expect(blocked.status == 1)
        #expect(try Self.codes(root, out: "blocked").contains("SUBMISSION_UNCERTAIN"))
        #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
        #expect(simulator.offlinePeriods(pem: Self.pem).count == 1, "offline notices still go")
        #expect(simulator.journalCloses(pem: Self.pem) == 1, "journal closes still go")
        let list = try await Self.quadra(
            root, ["reports", "list", "--config", "quadra.toml", "--state", "state.sqlite"])
        #expect(list.status == 1)
        #expect(list.stdout.contains("1120  NOT RECORDED"), "\(list.stdout)")
        let record = try await Self.quadra(
            root,
            [
                "reports", "record", "--config", "quadra.toml", "--state", "state.sqlite", "--pem", Self.pem, "--id",
                "1120", "--covers", "2026-11-20",
            ])
        #expect(record.status == 0, "\(record.stderr)")
        #expect(record.stdout.contains("recorded by an operator as covering 2026-11-20"))

        // Without --submit nothing is sent and the summary says what would be.
        let dry = try await Self.run(root, [], out: "dry")
        #expect(dry.stdout.contains("With --submit, Quadra would submit 1 emergency report (E001-000001 2026-11-21)"))
        #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
        let dryCodes = try Self.codes(root, out: "dry")
        #expect(dryCodes.contains("OFFLINE_RECORD_UNSUBMITTED") && !dryCodes.contains("JOURNAL_NOT_CLOSED"))
        #expect(dryCodes.contains("RECEIPT_DURING_OFFLINE"), "the receipt left ready was fetched")

        let first = try await Self.run(root, ["--submit"])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        let codes = try Self.codes(root)
        for gone in [
            "OFFLINE_RECORD_UNSUBMITTED", "OFFLINE_PERIOD_NOT_NOTIFIED", "JOURNAL_NOT_CLOSED",
            "SUBMISSION_UNCERTAIN",
        ] {
            #expect(!codes.contains(gone), "\(gone) is settled by the submission")
        }
        #expect(codes.contains("OFFLINE_SALE_NOT_RECORDED"), "a sale in no register stays, covered or not")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out/uploads").path))
        let offline = try #require(simulator.offlinePeriods(pem: Self.pem).first)
        #expect(offline.timestamp == "2026-11-21T15:00:05+01:00")
        #expect(offline.reason.contains("until 2026-11-21T15:30:05+01:00"))

        let second = try await Self.run(root, ["--submit"], out: "out2")
        #expect(second.stdout.contains("Nothing to send to A-Cube."))
        #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1])
        #expect(simulator.offlinePeriods(pem: Self.pem).count == 1)
        #expect(simulator.journalCloses(pem: Self.pem) == 1)
        for name in ["findings.csv", "reconciliation.xml"] {
            let a = try Data(contentsOf: root.appendingPathComponent("out/" + name))
            let b = try Data(contentsOf: root.appendingPathComponent("out2/" + name))
            #expect(a == b, "\(name): the rerun's report is the same")
        }
        let listed = try await Self.quadra(
            root, ["reports", "list", "--config", "quadra.toml", "--state", "state.sqlite"])
        #expect(listed.status == 0, "\(listed.stdout)")
        #expect(listed.stdout.contains("submitted by Quadra for 2026-11-21"))
    }

    @Test func aPemWithoutACertificateIsFetchedWithoutNotificationsAndTheNextStepSaysSo() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        simulator.seed(pem: "E001-000002")
        let root = try Self.workspace(simulator, keepAcube: false, pems: [Self.pem, "E001-000002"])
        let fetch = try await Self.quadra(
            root, ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night"])
        #expect(fetch.status == 1, "fetched, but something needs action: \(fetch.stderr)")
        #expect(fetch.stderr.contains("E001-000002 has no client certificate in [acube.certificates]"))
        #expect(fetch.stdout.contains("Next steps:\n  1. add the cash register certificate and key of E001-000002"))
        let second = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("night/acube/E001-000002").path)
        #expect(second.contains("receipts-sent-1.json") && !second.contains { $0.hasPrefix("notifications") })
        // No key material anywhere the operator looks.
        let key = try String(contentsOf: Self.certificates.appendingPathComponent("E001-000001.key"), encoding: .utf8)
        let body = key.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        for text in [fetch.stdout, fetch.stderr] {
            #expect(!text.contains("PRIVATE KEY") && !text.contains(String(body.prefix(20))))
        }
    }

    /// `quadra fetch` stages pages in `NIGHT/acube/.fetch-<pid>/`: a fetch that fails leaves the night as it was and
    /// no staging folder; a staging folder a killed fetch left is removed by the next fetch.
    @Test func aFailedFetchLeavesTheNightAsItWasAndTheNextRemovesAKilledOnesPages() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator, pems: [Self.pem, "E001-999999"])
        let acube = root.appendingPathComponent("night/acube")
        let leftover = acube.appendingPathComponent(".fetch-99999999/\(Self.pem)")
        try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: true)
        try Data("half a page".utf8).write(to: leftover.appendingPathComponent("receipts-sent-1.json"))
        let names = { (folder: String) in
            try FileManager.default.contentsOfDirectory(atPath: acube.appendingPathComponent(folder).path).sorted()
        }
        let before = try names(Self.pem)
        let page = try Data(contentsOf: acube.appendingPathComponent("\(Self.pem)/receipts-sent-1.json"))

        let failed = try await Self.quadra(
            root, ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night"])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("fetch failed, nothing was written"), "\(failed.stderr)")
        #expect(try names(Self.pem) == before)
        #expect(try Data(contentsOf: acube.appendingPathComponent("\(Self.pem)/receipts-sent-1.json")) == page)
        #expect(try names("").filter { $0.hasPrefix(".fetch-") }.isEmpty, "no staging folder, old or new")

        let config = root.appendingPathComponent("quadra.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: #", "E001-999999""#, with: "").utf8).write(to: config)
        let fetched = try await Self.quadra(
            root, ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night"])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(try names("").filter { $0.hasPrefix(".fetch-") }.isEmpty)
        #expect(try names(Self.pem).contains("receipts-sent-3.json"), "4 a page: the sample's receipts fill 3")
    }

    // MARK: - Exactly once under faults

    @Test func theAnswerDroppedAfterTheCommitIsSettledFromTheListAndNeverResent() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator)
        simulator.commitThenDropNextUploads(1)
        let first = try await Self.run(root, ["--submit"])
        #expect(first.status == 1, "\(first.stderr)")
        let id = try #require(simulator.postedEmergencyReports(pem: Self.pem).first?.id)
        #expect(first.stdout.contains("emergency report E001-000001 2026-11-21 (answer lost; report \(id) found)"))
        #expect(!(try Self.codes(root).contains("SUBMISSION_UNCERTAIN")))
        _ = try await Self.run(root, ["--submit"], out: "again")
        #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1])
        #expect(simulator.requests.filter { $0.path.hasSuffix("upload-emergency-report") }.count == 1)
    }

    @Test func killedWhileThePostIsInFlightThenRerunSubmitsExactlyOnce() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        // A long request timeout first: the early rerun below comes well within it, however busy the machine.
        let root = try Self.workspace(simulator, timeout: 60)
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
        // The pending record (with A-Cube's list) is written before the POST: kill once the POST is at A-Cube.
        while simulator.uploadsHeld == 0, process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let killedAt = Date()
        while simulator.uploadsHeld > 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty, "the killed POST never landed")

        // At once: A-Cube does not list it, but it was sent moments ago and may still be processed: not resent.
        let early = try await Self.run(root, ["--submit"], out: "early")
        #expect(early.status == 1)
        #expect(try Self.codes(root, out: "early").contains("SUBMISSION_UNCERTAIN"))
        // (The killed POST left no record: the simulator logs a request when it answers it.)
        #expect(simulator.requests.filter { $0.path.hasSuffix("upload-emergency-report") }.isEmpty)

        // Once the request timeout has passed (now 1 s), the list still shows nothing new: it did not land, so it
        // is sent.
        let config = root.appendingPathComponent("quadra.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try Data(
            text.replacingOccurrences(of: "request_timeout_seconds = 60", with: "request_timeout_seconds = 1").utf8
        )
        .write(to: config)
        let wait = 1.2 - Date().timeIntervalSince(killedAt)
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        let rerun = try await Self.run(root, ["--submit"])
        #expect(rerun.status == 1, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        #expect(!(try Self.codes(root).contains("SUBMISSION_UNCERTAIN")))
        let posts = simulator.requests.enumerated().filter {
            $0.element.method == "POST" && $0.element.path.hasSuffix("upload-emergency-report")
        }
        let lists = simulator.requests.enumerated().filter {
            $0.element.method == "GET" && $0.element.path.hasSuffix("/emergency-reports")
        }
        #expect(posts.count == 1, "the one resend")
        #expect(lists.contains { $0.offset < posts[0].offset }, "listed before sending again")
        _ = try await Self.run(root, ["--submit"], out: "out3")
        #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1], "exactly one report at A-Cube")
    }

    @Test func aStateStoreDeletedBetweenTwoRunsNeverFilesTheDayTwice() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator)
        let first = try await Self.run(root, ["--submit"])
        #expect(first.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        let id = try #require(simulator.postedEmergencyReports(pem: Self.pem).first?.id)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(at: root.appendingPathComponent("state.sqlite" + suffix))
        }
        let second = try await Self.run(root, ["--submit"], out: "lost")
        #expect(second.status == 1)
        let csv = try String(contentsOf: root.appendingPathComponent("lost/findings.csv"), encoding: .utf8)
        #expect(csv.contains("SUBMISSION_UNCERTAIN,critical,E001-000001,,"), "\(csv)")
        #expect(csv.contains("emergency report \(id) for E001-000001 that the state store never recorded"))
        #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1])

        // The operator records what it covers: the day is covered, nothing is prepared or sent.
        let record = try await Self.quadra(
            root,
            [
                "reports", "record", "--config", "quadra.toml", "--state", "state.sqlite", "--pem", Self.pem, "--id",
                String(id), "--covers", "2026-11-21",
            ])
        #expect(record.status == 0, "\(record.stderr)")
        let third = try await Self.run(root, ["--submit"], out: "recorded")
        #expect(!(try Self.codes(root, out: "recorded").contains("SUBMISSION_UNCERTAIN")))
        #expect(!(try Self.codes(root, out: "recorded").contains("OFFLINE_RECORD_UNSUBMITTED")))
        #expect(third.stdout.contains("Not sent") || third.stdout.contains("Nothing to send") || third.status == 1)
        #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1])
    }

    @Test func aReportSubmittedBySomeoneElseStopsTheEmergencyReportsOfThatPemOnly() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator)
        let foreign = simulator.fileReportElsewhere(pem: Self.pem)
        let result = try await Self.run(root, ["--submit"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("SUBMISSION_UNCERTAIN"))
        #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
        #expect(simulator.offlinePeriods(pem: Self.pem).count == 1, "offline notices still go")
        #expect(simulator.journalCloses(pem: Self.pem) == 1, "journal closes still go")
        let codes = try Self.codes(root)
        #expect(codes.contains("SUBMISSION_UNCERTAIN") && codes.contains("OFFLINE_RECORD_UNSUBMITTED"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/uploads/E001-000001").path))

        let nothing = try await Self.quadra(
            root,
            [
                "reports", "record", "--config", "quadra.toml", "--state", "state.sqlite", "--pem", Self.pem, "--id",
                String(foreign), "--covers-nothing", "--note", "the dealer's test report",
            ])
        #expect(nothing.status == 0, "\(nothing.stderr)")
        let next = try await Self.run(root, ["--submit"], out: "next")
        #expect(next.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1])
        let unknown = try await Self.quadra(
            root,
            [
                "reports", "record", "--config", "quadra.toml", "--state", "state.sqlite", "--pem", Self.pem, "--id",
                "424242", "--covers-nothing",
            ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("A-Cube holds no emergency report 424242 for E001-000001"))
    }

    @Test func aBaselineIsTakenOnceWithTheOperatorsWordOnly() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator)
        let arguments = ["reports", "baseline", "--config", "quadra.toml", "--state", "state.sqlite"]
        let unconfirmed = try await Self.quadra(root, arguments)
        #expect(unconfirmed.status == 2)
        #expect(unconfirmed.stderr.contains("--confirm-existing-reports-predate-quadra"))
        let baseline = try await Self.quadra(root, arguments + ["--confirm-existing-reports-predate-quadra"])
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(baseline.stdout.contains("1 report existing before Quadra"))
        #expect(baseline.stdout.contains("E001-000001: 1120"))
        let again = try await Self.quadra(root, arguments + ["--confirm-existing-reports-predate-quadra"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("a baseline is taken once"))
        let list = try await Self.quadra(
            root, ["reports", "list", "--config", "quadra.toml", "--state", "state.sqlite"])
        #expect(list.stdout.contains("1120  existing before Quadra (baseline)"))
        let run = try await Self.run(root, ["--submit"])
        #expect(run.stdout.contains("Baseline: 1 report A-Cube held before Quadra"), "shown in the summary")
    }

    @Test func twoSubmittingRunsStartedTogetherNeverSendAnythingTwice() async throws {
        for trial in 0..<8 {
            let simulator = try await Self.startAcube()
            // A slow A-Cube, so the two runs overlap for certain.
            simulator.delayEveryRequest(milliseconds: 60)
            let root = try Self.workspace(simulator)
            async let first = Self.run(root, ["--submit"], out: "a")
            async let second = Self.run(root, ["--submit"], out: "b")
            let results = try await [first, second]
            await simulator.shutdown()
            #expect(Self.reportsPerDay(simulator) == ["2026-11-21": 1], "trial \(trial)")
            #expect(simulator.journalCloses(pem: Self.pem) == 1, "trial \(trial)")
            #expect(simulator.offlinePeriods(pem: Self.pem).count == 1, "trial \(trial)")
            let statuses = results.map(\.status).sorted()
            #expect(statuses == [1, 2] || statuses == [1, 1], "trial \(trial): \(statuses)")
            for (result, out) in zip(results, ["a", "b"]) where result.status == 2 {
                #expect(result.stderr.contains("another quadra run is using the state store"), "\(result.stderr)")
                #expect(result.stdout.isEmpty)
                #expect(
                    !FileManager.default.fileExists(atPath: root.appendingPathComponent(out).path),
                    "the refused run wrote nothing")
            }
        }
    }

    // MARK: - Other commands and failures

    @Test func submitSendsPreparedUploadsOnceAndARefusalIsReported() async throws {
        let simulator = try await Self.startAcube(role: .merchant)
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator, role: "merchant")
        _ = try await Self.run(root, [])
        simulator.rejectNextUploads(1, violations: [("datetime", "must be within the fiscal day")])
        let refused = try await Self.quadra(
            root, ["submit", "--config", "quadra.toml", "--state", "state.sqlite", "out"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("SUBMISSION_REJECTED E001-000001 2026-11-21"))
        #expect(refused.stderr.contains("must be within the fiscal day"))
        // The report of the next run carries the refusal.
        _ = try await Self.run(root, [], out: "after")
        #expect(try Self.codes(root, out: "after").contains("SUBMISSION_REJECTED"))
        #expect(
            simulator.requests.contains { $0.path.hasSuffix("/emergency-report") && $0.path.hasPrefix("/mf1/") },
            "merchant: MF1")
        #expect(!simulator.requests.contains { $0.path.hasPrefix("/mf2/") }, "a merchant never calls MF2")
    }

    @Test func anAccountRefusedAfterLoginEndsTheRunWithStatus2AndAWholeReport() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator)
        simulator.refuseEveryToken()
        let result = try await Self.run(root, ["--submit"])
        #expect(result.status == 2, "A-Cube unusable: \(result.stderr)")
        #expect(result.stderr.contains("submission to A-Cube stopped"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/findings.csv").path))
        #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
    }

    @Test func thePasswordTheTokenAndTheKeyAppearNowhere() async throws {
        let simulator = try await Self.startAcube()
        let root = try Self.workspace(simulator)
        let passwordFile = root.appendingPathComponent("acube-password")
        try Data((Self.password + "\n").utf8).write(to: passwordFile)
        let viaFile = ["QUADRA_ACUBE_EMAIL": Self.email, "QUADRA_ACUBE_PASSWORD_FILE": passwordFile.path]
        let fetch = try await QuadraBinary.runAsync(
            ["fetch", "--config", "quadra.toml", "--date", "2026-11-21", "--into", "night"], in: root,
            environment: viaFile.merging(["QUADRA_ACUBE_PASSWORD": ""]) { $1 })
        #expect(fetch.status == 0, "the password file works: \(fetch.stderr)")
        let result = try await Self.run(root, ["--submit"])
        #expect(result.status == 1)
        let token = try #require(
            simulator.requests.compactMap { $0.headers["authorization"] }.first?.replacingOccurrences(
                of: "Bearer ", with: ""))
        #expect(token.count > 10)
        var haystacks = [result.stdout, result.stderr, fetch.stdout, fetch.stderr]
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
        let key = try String(contentsOf: Self.certificates.appendingPathComponent("E001-000001.key"), encoding: .utf8)
        let keyBody = key.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        for text in haystacks {
            #expect(!text.contains(Self.password), "the password leaked")
            #expect(!text.contains(token), "the token leaked")
            #expect(!text.contains(String(keyBody.prefix(24))), "the key leaked")
        }
        #expect(wrong.stderr.contains("QUADRA_ACUBE") || wrong.stderr.contains("credentials"), "\(wrong.stderr)")
    }

    @Test func aMissingCredentialStopsTheRunBeforeAnythingIsWritten() async throws {
        let simulator = try await Self.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try Self.workspace(simulator)
        let result = try await QuadraBinary.runAsync(
            ["run", "--offline", "--submit", "--input", "night", "--out", "out", "--config", "quadra.toml"], in: root,
            environment: ["QUADRA_ACUBE_EMAIL": "", "QUADRA_ACUBE_PASSWORD": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("QUADRA_ACUBE_EMAIL"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }
}
