import Foundation
import QuadraSimulators
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `quadra run` online, as a user runs it: the built binary against a Spice simulator on 127.0.0.1.
@Suite struct SpiceRecoveryTests {
    static let asOf = "2026-11-22T06:00:00+01:00"

    /// One electronic sale with one unanswered attempt per posRefId, on terminal `terminal`.
    static func sale(_ n: Int, terminal: String, ref: String, cents: Int, loggedApproval: String? = nil) -> String {
        let total = String(format: "%d.%02d", cents / 100, cents % 100)
        var lines = [
            #"{"ts":"2026-11-21T10:\#(String(format: "%02d", n % 60)):00+01:00","event":"sale","terminal":"\#(terminal)","sale":"S-\#(n)","pem":"E1","total":"\#(total)","payment":"electronic","lines":[{"vat":"22.00","gross":"\#(total)"}]}"#
        ]
        if let logged = loggedApproval {
            lines.append(
                #"{"ts":"2026-11-21T10:00:01+01:00","event":"payment_request","terminal":"\#(terminal)","sale":"S-\#(n)","posRefId":"\#(logged)","kind":"purchase","amount":\#(cents)}"#
            )
            lines.append(
                #"{"ts":"2026-11-21T10:00:02+01:00","event":"payment_response","terminal":"\#(terminal)","sale":"S-\#(n)","posRefId":"\#(logged)","success":true,"amount":\#(cents)}"#
            )
        }
        lines.append(
            #"{"ts":"2026-11-21T10:00:03+01:00","event":"payment_request","terminal":"\#(terminal)","sale":"S-\#(n)","posRefId":"\#(ref)","kind":"purchase","amount":\#(cents)}"#
        )
        return lines.joined(separator: "\n") + "\n"
    }

    static func writeNight(_ text: String, config: String) throws -> URL {
        let root = try QuadraBinary.temporaryDirectory("online")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("night/pos"), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: root.appendingPathComponent("night/pos/T.jsonl"))
        try Data(config.utf8).write(to: root.appendingPathComponent("quadra.toml"))
        return root
    }

    static func config(_ terminals: [String: String], deadline: Int = 8) -> String {
        var text = """
            [spice]
            deadline_seconds = \(deadline)
            initial_backoff_milliseconds = 10
            maximum_backoff_seconds = 1
            request_timeout_seconds = 5
            pos_name = "QuadraE2E"

            [spice.terminals]

            """
        for (terminal, url) in terminals.sorted(by: { $0.key < $1.key }) { text += "\(terminal) = \"\(url)\"\n" }
        return text
    }

    static func run(_ root: URL, out: String = "out", state: String = "state.sqlite") async throws
        -> QuadraBinary.Result
    {
        try await QuadraBinary.runAsync(
            ["run", "--input", "night", "--out", out, "--config", "quadra.toml", "--state", state, "--as-of", asOf],
            in: root)
    }

    static func rows(_ root: URL, out: String = "out") throws -> [String] {
        let csv = try String(contentsOf: root.appendingPathComponent(out + "/findings.csv"), encoding: .utf8)
        return csv.split(separator: "\r\n").dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(cells[0]) \(cells[5]) \(cells[6])"
        }
    }

    @Test func everyRecoveryOutcomeReachesTheReportAndARerunAsksOnlyWhatIsOpen() async throws {
        let spice = SpiceSimulator(script: [
            "P-1": .inProgress(polls: 2, then: .approved(amountCents: 1250)),
            "P-2": .declined(amountCents: 900),
            "P-4": .reset(times: 1, then: .approved(amountCents: 2000)),
            "P-5": .approved(amountCents: 700, userOverride: true, stringly: true),
            "P-6": .notFound,
            "P-7": .inProgress(polls: 1_000_000, then: .notFound),
        ])
        try await spice.start()
        let dead = SpiceSimulator()
        try await dead.start()
        let deadURL = dead.baseURL
        await dead.shutdown()
        let night = [
            Self.sale(1, terminal: "T1", ref: "P-1", cents: 1250), Self.sale(2, terminal: "T1", ref: "P-2", cents: 900),
            Self.sale(3, terminal: "T1", ref: "P-4", cents: 2000, loggedApproval: "P-3"),
            Self.sale(5, terminal: "T1", ref: "P-5", cents: 700), Self.sale(6, terminal: "T1", ref: "P-6", cents: 600),
            Self.sale(7, terminal: "T1", ref: "P-7", cents: 100), Self.sale(8, terminal: "T2", ref: "P-8", cents: 100),
            Self.sale(9, terminal: "T9", ref: "P-9", cents: 100),
        ].joined()
        let root = try Self.writeNight(night, config: Self.config(["T1": spice.baseURL, "T2": deadURL]))
        let first = try await Self.run(root)
        #expect(first.status == 1, "\(first.stderr)")
        let rows = try Self.rows(root)
        let expected: Set<String> = [
            "PAYMENT_RECOVERED_APPROVED S-1 P-1", "RECEIPT_MISSING S-1 ",
            "PAYMENT_RECOVERED_DECLINED S-2 P-2",
            "PAYMENT_RECOVERED_APPROVED S-3 P-4", "DOUBLE_CHARGE S-3 ", "RECEIPT_MISSING S-3 ",
            "PAYMENT_RECOVERED_APPROVED S-5 P-5", "PAYMENT_MANUAL_OVERRIDE S-5 P-5", "RECEIPT_MISSING S-5 ",
            "PAYMENT_NOT_FOUND S-6 P-6", "PAYMENT_STILL_IN_PROGRESS S-7 P-7", "PAYMENT_UNREACHABLE S-8 P-8",
            "PAYMENT_IN_PROGRESS S-9 P-9", "ACUBE_DATA_MISSING  ",
        ]
        #expect(Set(rows) == expected)
        #expect(spice.requests.allSatisfy { $0.method == "GET" && $0.posName == "QuadraE2E" })
        #expect(spice.maximumConcurrentRequests == 1)
        let askedBefore = Dictionary(grouping: spice.requests, by: { $0.posRefId ?? "" }).mapValues(\.count)

        // The rerun asks Spice only about what is still open, and writes the same report.
        let second = try await Self.run(root, out: "out2")
        #expect(second.status == 1)
        let askedAfter = Dictionary(grouping: spice.requests, by: { $0.posRefId ?? "" }).mapValues(\.count)
        for ref in ["P-1", "P-2", "P-4", "P-5"] {
            #expect(askedAfter[ref] == askedBefore[ref], "\(ref) was final and is not asked again")
        }
        #expect((askedAfter["P-7"] ?? 0) > (askedBefore["P-7"] ?? 0), "a still-running attempt is asked again")
        for name in ["findings.csv", "reconciliation.xml"] {
            let a = try Data(contentsOf: root.appendingPathComponent("out/" + name))
            let b = try Data(contentsOf: root.appendingPathComponent("out2/" + name))
            #expect(a == b, "\(name) is the same after the rerun")
        }
        await spice.shutdown()
    }

    @Test func killedMidRecoveryThenRerunLosesNothingAndGivesTheSameReport() async throws {
        var script: [String: SpiceSimulator.Behavior] = [:]
        var night = ""
        for n in 1...24 {
            script["K-\(n)"] = .slow(
                milliseconds: 40, then: n % 3 == 0 ? .declined(amountCents: 500) : .approved(amountCents: 500))
            night += Self.sale(n, terminal: "T1", ref: "K-\(n)", cents: 500)
        }
        let spice = SpiceSimulator(script: script)
        try await spice.start()
        let root = try Self.writeNight(night, config: Self.config(["T1": spice.baseURL], deadline: 60))

        // The reference: one uninterrupted run on its own state store.
        let reference = try await Self.run(root, out: "reference", state: "reference.sqlite")
        #expect(reference.status == 1)
        let requestsForReference = spice.requests.count

        // Killed with SIGKILL once a few answers are in, then run again.
        let process = Process()
        process.executableURL = QuadraBinary.executable
        process.arguments = [
            "run", "--input", "night", "--out", "killed", "--config", "quadra.toml", "--state", "killed.sqlite",
            "--as-of", Self.asOf,
        ]
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while spice.requests.count < requestsForReference + 8, process.isRunning {
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run was killed mid-recovery")
        let askedBeforeKill = Set(spice.requests.dropFirst(requestsForReference).compactMap(\.posRefId))
        let countBeforeRerun = spice.requests.count

        let rerun = try await Self.run(root, out: "killed", state: "killed.sqlite")
        #expect(rerun.status == 1, "\(rerun.stderr)")
        for name in ["findings.csv", "reconciliation.xml"] {
            let a = try Data(contentsOf: root.appendingPathComponent("reference/" + name))
            let b = try Data(contentsOf: root.appendingPathComponent("killed/" + name))
            #expect(a == b, "\(name) after kill and rerun equals the uninterrupted run")
        }
        // Answers stored before the kill were not asked again.
        let askedInRerun = spice.requests.dropFirst(countBeforeRerun).compactMap(\.posRefId)
        #expect(askedInRerun.count < 24, "the rerun did not start over")
        #expect(Set(askedInRerun).count == askedInRerun.count, "each open attempt asked once")
        #expect(!askedBeforeKill.isEmpty)
        await spice.shutdown()
    }
}
