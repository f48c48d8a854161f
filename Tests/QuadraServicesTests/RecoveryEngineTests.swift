import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraServices
import QuadraSimulators
import Testing

/// Recovery against a real Spice simulator on 127.0.0.1: the four scenarios of the Spice documentation and
/// the faults around them. Deadlines and backoffs are short so the suite stays quick; no test asserts time.
@Suite struct RecoveryEngineTests {
    static func settings(deadline: Int64 = 30, concurrency: Int64 = 4) -> Configuration.SpiceSettings {
        var settings = Configuration.SpiceSettings()
        settings.deadlineSeconds = deadline
        settings.concurrency = concurrency
        settings.initialBackoffMilliseconds = 10
        settings.maximumBackoffSeconds = 1
        settings.requestTimeoutSeconds = 2
        return settings
    }

    static func target(_ ref: String, _ url: String, kind: AttemptKind = .purchase, terminal: String = "T1")
        -> RecoveryTarget
    {
        RecoveryTarget(
            attempt: OpenAttempt(terminal: terminal, sale: "S-" + ref, posRefId: ref, kind: kind), baseURL: url)
    }

    /// Runs `body` with an HTTP client and a started simulator, and shuts both down.
    static func withSpice<T>(
        _ script: [String: SpiceSimulator.Behavior], _ body: (SpiceSimulator, SpiceHTTPClient) async throws -> T
    ) async throws -> T {
        let simulator = SpiceSimulator(script: script)
        try await simulator.start()
        let http = SpiceHTTPClient.makeHTTPClient()
        let client = SpiceHTTPClient(http: http, posName: "QuadraTest", posVersion: "9.9", requestTimeoutSeconds: 2)
        do {
            let result = try await body(simulator, client)
            try await http.shutdown()
            await simulator.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    @Test func aRedirectToAnotherOriginIsNeverFollowed() async throws {
        let elsewhere = LoopbackHTTPServer { _ in
            .respond(.json(200, #"{"Response":{"success":true,"purchase_amount":1250,"pos_ref_id":"r-1"}}"#))
        }
        try await elsewhere.start()
        let redirecting = LoopbackHTTPServer { request in
            .respond(LoopbackHTTPResponse(status: 302, headers: ["Location": elsewhere.baseURL + request.uri]))
        }
        try await redirecting.start()
        let http = SpiceHTTPClient.makeHTTPClient()
        let client = SpiceHTTPClient(http: http, posName: "QuadraTest", posVersion: "9.9", requestTimeoutSeconds: 2)
        let exchange = await client.ask(baseURL: redirecting.baseURL, kind: .purchase, posRefId: "r-1")
        try await http.shutdown()
        await redirecting.shutdown()
        await elsewhere.shutdown()
        guard case .retry = exchange.answer else {
            Issue.record("a redirect is no answer, got \(exchange.answer)")
            return
        }
        #expect(elsewhere.maximumConcurrentRequests == 0, "the other origin was never asked")
    }

    @Test func thePosQuitAndSpiceKnowsTheResult() async throws {
        let outcomes = try await Self.withSpice([
            "A1": .approved(amountCents: 1250), "D1": .declined(amountCents: 900, hostResponseText: "DECLINED"),
        ]) { simulator, client in
            try await RecoveryEngine(client: client, settings: Self.settings(), journal: nil)
                .recover([Self.target("A1", simulator.baseURL), Self.target("D1", simulator.baseURL)])
        }
        #expect(
            outcomes["A1"]
                == .approved(
                    RecoveredResponse(amount: Money(cents: 1250), userOverride: false, hostResponseText: "APPROVED")))
        #expect(
            outcomes["D1"]
                == .declined(
                    RecoveredResponse(amount: Money(cents: 900), userOverride: false, hostResponseText: "DECLINED")))
    }

    @Test func spiceCrashedMidResponseThenAnswers() async throws {
        let outcomes = try await Self.withSpice([
            "R1": .reset(times: 2, then: .approved(amountCents: 500)),
            "R2": .truncated(times: 1, then: .serverError(times: 1, status: 503, then: .declined(amountCents: 700))),
        ]) { simulator, client in
            try await RecoveryEngine(client: client, settings: Self.settings(), journal: nil)
                .recover([Self.target("R1", simulator.baseURL), Self.target("R2", simulator.baseURL)])
        }
        guard case .approved? = outcomes["R1"] else {
            Issue.record("R1: \(String(describing: outcomes["R1"]))")
            return
        }
        guard case .declined? = outcomes["R2"] else {
            Issue.record("R2: \(String(describing: outcomes["R2"]))")
            return
        }
    }

    @Test func spiceQuitsAndRestarts() async throws {
        try await Self.withSpice(["Q1": .approved(amountCents: 300)]) { simulator, client in
            await simulator.goDown()
            let engine = RecoveryEngine(client: client, settings: Self.settings(deadline: 20), journal: nil)
            let recovery = Task { try await engine.recover([Self.target("Q1", simulator.baseURL)]) }
            // Let a few refused connections happen, then bring Spice back on the same port.
            try await Task.sleep(for: .milliseconds(300))
            try await simulator.comeUp()
            let outcomes = try await recovery.value
            guard case .approved? = outcomes["Q1"] else {
                Issue.record("\(outcomes)")
                return
            }
        }
    }

    @Test func aNetworkOutageIsALongWaitThenAResult() async throws {
        let outcomes = try await Self.withSpice([
            "W1": .inProgress(polls: 3, errorReason: "TRANSACTION_IN_PROGRESS", then: .approved(amountCents: 100)),
            "W2": .signatureRequired(
                polls: 2, then: .noResult(polls: 1, then: .declined(amountCents: 100, hostResponseText: "NO"))),
        ]) { simulator, client in
            try await RecoveryEngine(client: client, settings: Self.settings(), journal: nil)
                .recover([Self.target("W1", simulator.baseURL), Self.target("W2", simulator.baseURL)])
        }
        guard case .approved? = outcomes["W1"] else {
            Issue.record("W1: \(outcomes)")
            return
        }
        guard case .declined? = outcomes["W2"] else {
            Issue.record("W2: \(outcomes)")
            return
        }
    }

    @Test func aManualOverrideIsRecoveredWithItsFlag() async throws {
        let outcomes = try await Self.withSpice(["O1": .approved(amountCents: 1800, userOverride: true, stringly: true)]
        ) {
            simulator, client in
            try await RecoveryEngine(client: client, settings: Self.settings(), journal: nil)
                .recover([Self.target("O1", simulator.baseURL)])
        }
        #expect(
            outcomes["O1"]
                == .approved(
                    RecoveredResponse(amount: Money(cents: 1800), userOverride: true, hostResponseText: "APPROVED")))
    }

    @Test func stillRunningAtTheDeadline() async throws {
        // 20 s, not 8: on a CI run of the whole suite the first request once did not go out within 8 s.
        let outcomes = try await Self.withSpice([
            "S1": .inProgress(polls: 1_000_000, errorReason: "TRANSACTION_IN_PROGRESS", then: .notFound)
        ]) { simulator, client in
            try await RecoveryEngine(client: client, settings: Self.settings(deadline: 20), journal: nil)
                .recover([Self.target("S1", simulator.baseURL)])
        }
        guard case .stillRunning(let detail)? = outcomes["S1"] else {
            Issue.record("S1: \(outcomes)")
            return
        }
        #expect(detail.contains("TRANSACTION_IN_PROGRESS"))
    }

    @Test func notFoundByReasonOr404IsFinalForTheRun() async throws {
        let outcomes = try await Self.withSpice(["N1": .notFound, "N2": .notFound404]) { simulator, client in
            try await RecoveryEngine(client: client, settings: Self.settings(deadline: 60), journal: nil)
                .recover([Self.target("N1", simulator.baseURL), Self.target("N2", simulator.baseURL)])
        }
        guard case .notFound? = outcomes["N1"], case .notFound? = outcomes["N2"] else {
            Issue.record("\(outcomes)")
            return
        }
    }

    @Test func anUnreachableSpiceIsReportedAtTheDeadline() async throws {
        // A port that was bound and released: nothing listens there.
        let simulator = SpiceSimulator()
        try await simulator.start()
        let url = simulator.baseURL
        await simulator.shutdown()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = SpiceHTTPClient(http: http, posName: "Q", posVersion: "1", requestTimeoutSeconds: 1)
        let outcomes = try await RecoveryEngine(client: client, settings: Self.settings(deadline: 1), journal: nil)
            .recover([Self.target("U1", url), Self.target("U2", url)])
        try await http.shutdown()
        guard case .unreachable(let detail)? = outcomes["U1"], case .unreachable? = outcomes["U2"] else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(detail.contains(url))
    }

    @Test func oneRequestAtATimePerSpiceAndNeverAPost() async throws {
        let first = SpiceSimulator(fallback: .slow(milliseconds: 20, then: .approved(amountCents: 100)))
        let second = SpiceSimulator(fallback: .slow(milliseconds: 20, then: .declined(amountCents: 100)))
        try await first.start()
        try await second.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = SpiceHTTPClient(http: http, posName: "QuadraTest", posVersion: "9.9", requestTimeoutSeconds: 2)
        let targets =
            (0..<12).map { Self.target("A\($0)", first.baseURL) }
            + (0..<12).map { Self.target("B\($0)", second.baseURL, kind: .refund, terminal: "T2") }
        let outcomes = try await RecoveryEngine(client: client, settings: Self.settings(concurrency: 8), journal: nil)
            .recover(targets)
        try await http.shutdown()
        #expect(outcomes.count == 24)
        #expect(first.maximumConcurrentRequests == 1)
        #expect(second.maximumConcurrentRequests == 1)
        let requests = first.requests + second.requests
        #expect(requests.allSatisfy { $0.method == "GET" })
        #expect(requests.allSatisfy { $0.posName == "QuadraTest" && $0.posVersion == "9.9" })
        #expect(second.requests.allSatisfy { $0.path == "/v1/refund" }, "the endpoint follows the attempt's kind")
        await first.shutdown()
        await second.shutdown()
    }

    @Test func aPosRefIdIsPercentEncoded() {
        #expect(
            SpiceHTTPClient.recoveryURL(baseURL: "http://127.0.0.1:8282", kind: .moto, posRefId: "a b&c=d/é")
                == "http://127.0.0.1:8282/v1/moto?posRefId=a%20b%26c%3Dd%2F%C3%A9")
    }
}
