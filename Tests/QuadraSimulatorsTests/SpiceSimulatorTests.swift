import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QuadraCore
import QuadraSimulators
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct SpiceSimulatorTests {
    // MARK: - Helpers

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Starts a simulator, runs `body` and shuts it down, whatever happens.
    func withSimulator(
        script: [String: SpiceSimulator.Behavior] = [:], fallback: SpiceSimulator.Behavior = .notFound,
        _ body: (SpiceSimulator) async throws -> Void
    ) async throws {
        let simulator = SpiceSimulator(script: script, fallback: fallback)
        try await simulator.start()
        do {
            try await body(simulator)
        } catch {
            await simulator.shutdown()
            throw error
        }
        await simulator.shutdown()
    }

    func send(
        _ simulator: SpiceSimulator, _ method: HTTPMethod = .GET, _ path: String,
        headers: [(String, String)] = [], timeout: TimeAmount = .seconds(10)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: simulator.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for field in response.headers { fields[field.name.lowercased()] = field.value }
        return Answer(status: Int(response.status.code), headers: fields, body: Array(buffer.readableBytesView))
    }

    func recover(_ simulator: SpiceSimulator, _ posRefId: String, kind: AttemptKind = .purchase) async throws
        -> SpiceAnswer
    {
        let answer = try await send(simulator, .GET, path(posRefId, kind: kind))
        return SpiceResponseClassifier.classify(status: answer.status, body: answer.body, kind: kind)
    }

    func path(_ posRefId: String, kind: AttemptKind = .purchase) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = posRefId.addingPercentEncoding(withAllowedCharacters: allowed) ?? posRefId
        return "/v1/\(kind.rawValue)?posRefId=\(encoded)"
    }

    func response(_ answer: Answer) throws -> JSONObject {
        let root = try JSONParser.parse(answer.body)
        return try #require(root.objectValue?["Response"]?.objectValue)
    }

    func approved(_ cents: Int64, override: Bool = false, text: String? = "APPROVED") -> SpiceAnswer {
        .approved(RecoveredResponse(amount: Money(cents: cents), userOverride: override, hostResponseText: text))
    }

    func isRunning(_ answer: SpiceAnswer) -> Bool {
        if case .running = answer { return true }
        return false
    }

    func isRetry(_ answer: SpiceAnswer) -> Bool {
        if case .retry = answer { return true }
        return false
    }

    func isNotFound(_ answer: SpiceAnswer) -> Bool {
        if case .notFound = answer { return true }
        return false
    }

    /// Polls `condition` every 10 ms, up to 5 s; no assertion depends on how long it took.
    func waitUntil(_ condition: () -> Bool) async throws {
        var polls = 0
        while !condition(), polls < 500 {
            try await Task.sleep(for: .milliseconds(10))
            polls += 1
        }
    }

    // MARK: - Routes

    @Test func pingAnswersPairedAndIdle() async throws {
        try await withSimulator { simulator throws in
            let answer = try await send(simulator, .GET, "/v1/ping")
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "application/json")
            #expect(answer.headers["content-length"] == String(answer.body.count))
            let object = try #require(try JSONParser.parse(answer.body).objectValue)
            #expect(object["pong"]?.boolValue == true)
            #expect(object["status"]?.stringValue == "PairedConnected")
            #expect(object["flow"]?.stringValue == "Idle")
            #expect(object["version"]?.stringValue == "sim")
        }
    }

    @Test func unknownPathMissingPosRefIdAndOtherMethods() async throws {
        try await withSimulator { simulator throws in
            #expect(try await send(simulator, .GET, "/v1/sale?posRefId=a").status == 404)
            #expect(try await send(simulator, .GET, "/v2/purchase?posRefId=a").status == 404)
            #expect(try await send(simulator, .GET, "/v1/purchase").status == 400)
            #expect(try await send(simulator, .GET, "/v1/refund?posRefId=").status == 400)
            let post = try await send(simulator, .POST, "/v1/purchase?posRefId=p1")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET")
            #expect(try await send(simulator, .DELETE, "/v1/ping").status == 405)
            let methods = simulator.requests.map(\.method)
            #expect(methods == ["GET", "GET", "GET", "GET", "POST", "DELETE"])
            #expect(simulator.requests.filter { $0.method == "POST" }.map(\.posRefId) == ["p1"])
            let malformed = await RawSocket.exchange(
                port: simulator.port, request: RawSocket.get("/v1/refund?posRefId=%zz"))
            #expect(String(decoding: malformed.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 400 "))
        }
    }

    @Test func requestsAreRecordedWithTheirHeaders() async throws {
        try await withSimulator { simulator throws in
            let posRefId = "T1/S 1003+1&x=é"
            _ = try await send(
                simulator, .GET, path(posRefId, kind: .refund),
                headers: [("POS-Name", "quadra"), ("POS-Version", "1.2.3")])
            let record = try #require(simulator.requests.first)
            #expect(record.method == "GET")
            #expect(record.path == "/v1/refund")
            #expect(record.posRefId == posRefId)
            #expect(record.posName == "quadra")
            #expect(record.posVersion == "1.2.3")
            #expect(record.headers["pos-name"] == "quadra")
            #expect(record.connection >= 1)
        }
    }

    @Test func keepAliveConnectionsAreReused() async throws {
        try await withSimulator { simulator throws in
            _ = try await send(simulator, .GET, "/v1/ping")
            _ = try await send(simulator, .GET, path("k1"))
            let connections = simulator.requests.map(\.connection)
            #expect(connections.count == 2)
            #expect(Set(connections).count == 1)
        }
    }

    // MARK: - Final answers

    @Test(arguments: AttemptKind.allCases)
    func approvedClassifiesWithTheKindsAmount(kind: AttemptKind) async throws {
        try await withSimulator(script: ["A-1": .approved(amountCents: 1250)]) { simulator throws in
            let answer = try await send(simulator, .GET, path("A-1", kind: kind))
            #expect(
                SpiceResponseClassifier.classify(status: answer.status, body: answer.body, kind: kind)
                    == approved(1250))
            let object = try response(answer)
            #expect(object["pos_ref_id"]?.stringValue == "A-1")
            #expect(object["success"]?.boolValue == true)
            #expect(object["transaction_type"]?.stringValue == kind.rawValue.uppercased())
            #expect(object["customer_receipt"]?.stringValue?.contains("EUR 12.50") == true)
            #expect(object["merchant_receipt"] != nil)
            #expect(object["sim_extra"]?.objectValue != nil)
            #expect(object["bank_date"]?.stringValue?.count == 8)
            #expect(object["bank_time"]?.stringValue?.count == 6)
            #expect(object["rrn"]?.stringValue?.count == 12)
            let amountKeys = ["purchase_amount", "refund_amount", "cash_amount"].filter { object[$0] != nil }
            let expectedKey = kind == .refund ? "refund_amount" : kind == .cashout ? "cash_amount" : "purchase_amount"
            #expect(amountKeys == [expectedKey])
        }
    }

    @Test func stringlyOverriddenApproval() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "S-1": .approved(amountCents: 800, userOverride: true, stringly: true)
        ]
        try await withSimulator(script: script) { simulator throws in
            let answer = try await send(simulator, .GET, path("S-1"))
            #expect(answer.text.contains(#""purchase_amount":"800""#))
            #expect(answer.text.contains(#""success":"true""#))
            #expect(answer.text.contains(#""user_override":"true""#))
            let object = try response(answer)
            #expect(object["customer_receipt"] == nil)
            #expect(object["merchant_receipt"] == nil)
            #expect(
                SpiceResponseClassifier.classify(status: answer.status, body: answer.body, kind: .purchase)
                    == approved(800, override: true))
        }
    }

    @Test func declinedClassifiesAsDeclined() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "D-1": .declined(amountCents: 900, hostResponseText: "INSUFFICIENT FUNDS"),
            "D-2": .declined(amountCents: 5),
        ]
        try await withSimulator(script: script) { simulator throws in
            let expected = RecoveredResponse(
                amount: Money(cents: 900), userOverride: false, hostResponseText: "INSUFFICIENT FUNDS")
            #expect(try await recover(simulator, "D-1") == .declined(expected))
            let plain = RecoveredResponse(amount: Money(cents: 5), userOverride: false, hostResponseText: "DECLINED")
            #expect(try await recover(simulator, "D-2", kind: .cashout) == .declined(plain))
        }
    }

    @Test func notFoundAndNotFound404() async throws {
        try await withSimulator(script: ["N-404": .notFound404]) { simulator throws in
            let answer = try await send(simulator, .GET, path("never-scripted"))
            #expect(answer.status == 200)
            #expect(try response(answer)["error_reason"]?.stringValue == "POS_REF_ID_NOT_FOUND")
            #expect(isNotFound(SpiceResponseClassifier.classify(status: 200, body: answer.body, kind: .purchase)))
            let missing = try await send(simulator, .GET, path("N-404"))
            #expect(missing.status == 404)
            #expect(isNotFound(try await recover(simulator, "N-404")))
        }
    }

    @Test func theFallbackAnswersUnscriptedPosRefIds() async throws {
        try await withSimulator(fallback: .approved(amountCents: 42)) { simulator throws in
            #expect(try await recover(simulator, "anything") == approved(42))
        }
    }

    // MARK: - Still running

    @Test func inProgressTwiceThenApprovedForever() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "P-1": .inProgress(polls: 2, then: .approved(amountCents: 1250))
        ]
        try await withSimulator(script: script) { simulator throws in
            var answers: [SpiceAnswer] = []
            for _ in 0..<4 { answers.append(try await recover(simulator, "P-1")) }
            #expect(answers.map(isRunning) == [true, true, false, false])
            #expect(answers[2] == approved(1250))
            #expect(answers[3] == approved(1250))
            let first = try await send(simulator, .GET, path("never-asked"))
            #expect(!first.text.contains("IN_PROGRESS"))
        }
    }

    @Test(arguments: SpiceResponseClassifier.runningReasons.sorted())
    func everyRunningReasonClassifiesAsRunning(reason: String) async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "R-1": .inProgress(polls: 1, errorReason: reason, then: .notFound)
        ]
        try await withSimulator(script: script) { simulator throws in
            let answer = try await send(simulator, .GET, path("R-1"))
            #expect(try response(answer)["error_reason"]?.stringValue == reason)
            #expect(isRunning(SpiceResponseClassifier.classify(status: 200, body: answer.body, kind: .purchase)))
            #expect(isNotFound(try await recover(simulator, "R-1")))
        }
    }

    @Test func signatureRequiredAndNoResultAreRunning() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "SIG": .signatureRequired(polls: 1, then: .declined(amountCents: 100)),
            "NONE": .noResult(polls: 1, then: .approved(amountCents: 200)),
        ]
        try await withSimulator(script: script) { simulator throws in
            let signature = try await send(simulator, .GET, path("SIG"))
            let root = try #require(try JSONParser.parse(signature.body).objectValue)
            #expect(root["Response"] == nil)
            #expect(root["signatureRequired"]?.objectValue?["receiptToSign"]?.stringValue != nil)
            #expect(isRunning(SpiceResponseClassifier.classify(status: 200, body: signature.body, kind: .purchase)))
            if case .declined = try await recover(simulator, "SIG") {} else { Issue.record("SIG: expected declined") }

            let none = try await send(simulator, .GET, path("NONE"))
            let object = try response(none)
            #expect(object["success"] == nil)
            #expect(object["pos_ref_id"]?.stringValue == "NONE")
            #expect(isRunning(SpiceResponseClassifier.classify(status: 200, body: none.body, kind: .purchase)))
            #expect(try await recover(simulator, "NONE") == approved(200))
        }
    }

    // MARK: - Faults

    @Test func serverErrorTwiceThenApproved() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "E-1": .serverError(times: 2, then: .approved(amountCents: 1250)),
            "E-2": .serverError(times: 1, status: 503, then: .notFound404),
        ]
        try await withSimulator(script: script) { simulator throws in
            #expect(try await send(simulator, .GET, path("E-1")).status == 500)
            #expect(isRetry(try await recover(simulator, "E-1")))
            #expect(try await recover(simulator, "E-1") == approved(1250))
            #expect(try await send(simulator, .GET, path("E-2")).status == 503)
            #expect(try await send(simulator, .GET, path("E-2")).status == 404)
        }
    }

    @Test func resetOnceThenApproved() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "X-1": .reset(times: 1, then: .approved(amountCents: 1250)),
            "X-RAW": .reset(times: 1, then: .approved(amountCents: 1)),
        ]
        try await withSimulator(script: script) { simulator throws in
            await #expect(throws: (any Error).self) { try await recover(simulator, "X-1") }
            #expect(try await recover(simulator, "X-1") == approved(1250))

            let raw = await RawSocket.exchange(port: simulator.port, request: RawSocket.get(path("X-RAW")))
            #expect(raw.connectError == nil)
            #expect(raw.bytes.isEmpty)
            #expect(raw.readError == ECONNRESET)
            #expect(try await recover(simulator, "X-RAW") == approved(1))
        }
    }

    @Test func truncatedOnceThenApproved() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "T-1": .truncated(times: 1, then: .approved(amountCents: 1250)),
            "T-RAW": .truncated(times: 1, then: .approved(amountCents: 1250)),
        ]
        try await withSimulator(script: script) { simulator throws in
            await #expect(throws: (any Error).self) { try await recover(simulator, "T-1") }
            #expect(try await recover(simulator, "T-1") == approved(1250))

            let raw = await RawSocket.exchange(port: simulator.port, request: RawSocket.get(path("T-RAW")))
            #expect(raw.readError == nil)
            let text = String(decoding: raw.bytes, as: UTF8.self)
            let parts = text.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 2)
            #expect(parts[0].hasPrefix("HTTP/1.1 200"))
            let lengthLine = parts[0].split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            let declared = try #require(
                lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) })
            let received = parts.count == 2 ? parts[1].utf8.count : 0
            #expect(received > 0)
            #expect(received < declared)
            #expect(parts.count == 2 && parts[1].hasPrefix(#"{"Response":{"pos_ref_id":"T-RAW""#))
        }
    }

    @Test func slowAnswersAfterItsWait() async throws {
        try await withSimulator(script: ["W-1": .slow(milliseconds: 50, then: .approved(amountCents: 7))]) {
            simulator throws in
            #expect(try await recover(simulator, "W-1") == approved(7))
            #expect(try await recover(simulator, "W-1") == approved(7))
        }
    }

    @Test func goDownRefusesThenComeUpAnswersOnTheSamePort() async throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "G-1": .slow(milliseconds: 30_000, then: .notFound),
            "G-2": .inProgress(polls: 1, then: .approved(amountCents: 300)),
        ]
        try await withSimulator(script: script) { simulator throws in
            let port = simulator.port
            #expect(isRunning(try await recover(simulator, "G-2")))
            let hanging = Task { try await send(simulator, .GET, path("G-1"), timeout: .seconds(60)) }
            try await waitUntil { simulator.requestsInFlight == 1 }
            #expect(simulator.requestsInFlight == 1)

            await simulator.goDown()
            #expect(!simulator.isUp)
            await #expect(throws: (any Error).self) { try await hanging.value }
            let refused = await RawSocket.exchange(port: port, request: RawSocket.get("/v1/ping"))
            #expect(refused.connectError == ECONNREFUSED)

            try await simulator.comeUp()
            #expect(simulator.isUp)
            #expect(simulator.port == port)
            #expect(simulator.baseURL == "http://127.0.0.1:\(port)")
            #expect(try await send(simulator, .GET, "/v1/ping").status == 200)
            // The step counter survived the restart: G-2 was already asked once.
            #expect(try await recover(simulator, "G-2") == approved(300))
        }
    }

    // MARK: - Concurrency

    @Test func maximumConcurrentRequestsCountsOverlappingRequests() async throws {
        try await withSimulator(script: ["C-SLOW": .slow(milliseconds: 1_000, then: .notFound)]) { simulator throws in
            let slow = Task { try await recover(simulator, "C-SLOW") }
            try await waitUntil { simulator.requestsInFlight == 1 }
            #expect(simulator.maximumConcurrentRequests == 1)
            _ = try await recover(simulator, "C-FAST")
            #expect(simulator.maximumConcurrentRequests == 2)
            #expect(isNotFound(try await slow.value))
            #expect(simulator.requestsInFlight == 0)
        }
    }

    @Test func sequentialRequestsNeverOverlapEvenAfterAClientTimeout() async throws {
        try await withSimulator(script: ["C-HANG": .slow(milliseconds: 30_000, then: .notFound)]) { simulator throws in
            for _ in 0..<3 { _ = try await recover(simulator, "C-ANY") }
            #expect(simulator.maximumConcurrentRequests == 1)
            await #expect(throws: (any Error).self) {
                try await send(simulator, .GET, path("C-HANG"), timeout: .milliseconds(200))
            }
            // The client gave up and closed its connection: the simulator drops the request.
            try await waitUntil { simulator.requestsInFlight == 0 }
            #expect(simulator.requestsInFlight == 0)
            _ = try await recover(simulator, "C-ANY")
            #expect(simulator.maximumConcurrentRequests == 1)
        }
    }

    @Test func setBehaviorStartsAPosRefIdAfresh() async throws {
        try await withSimulator(script: ["F-1": .inProgress(polls: 1, then: .approved(amountCents: 1))]) {
            simulator throws in
            #expect(isRunning(try await recover(simulator, "F-1")))
            simulator.setBehavior(.inProgress(polls: 1, then: .declined(amountCents: 2)), for: "F-1")
            #expect(isRunning(try await recover(simulator, "F-1")))
            if case .declined = try await recover(simulator, "F-1") {} else { Issue.record("F-1: expected declined") }
        }
    }

    // MARK: - Script files

    @Test func loadScriptRoundTripsEveryCase() throws {
        let script: [String: SpiceSimulator.Behavior] = [
            "a": .approved(amountCents: 1250),
            "b": .approved(amountCents: 800, userOverride: true, stringly: true),
            "c": .declined(amountCents: 900),
            "d": .declined(amountCents: 1, hostResponseText: "DO NOT HONOUR"),
            "e": .inProgress(polls: 3, then: .declined(amountCents: 900)),
            "f": .inProgress(polls: 1, errorReason: "OPERATION_IN_PROGRESS", then: .notFound404),
            "g": .signatureRequired(polls: 2, then: .noResult(polls: 1, then: .notFound)),
            "h": .reset(times: 1, then: .truncated(times: 2, then: .approved(amountCents: 5))),
            "i": .serverError(times: 2, then: .serverError(times: 1, status: 503, then: .notFound)),
            "j": .slow(milliseconds: 1500, then: .approved(amountCents: 100)),
            "k": .notFound, "l": .notFound404,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "spice-script-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let data = try encoder.encode(script)
        try data.write(to: url)
        #expect(try SpiceSimulator.loadScript(from: url) == script)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""k" : "notFound""#))
        #expect(!text.contains("userOverride\" : false"))
    }

    @Test func loadScriptReadsTheHandWrittenForm() throws {
        let text = """
            {
              "T1-S-1001-1": {"approved": {"amountCents": 1250}},
              "T1-S-1003-1": {"inProgress": {"polls": 3, "then": {"declined": {"amountCents": 900}}}},
              "T2-S-2002-1": {"serverError": {"times": 2, "status": 503, "then": "notFound404"}},
              "T2-S-2003-1": {"notFound": {}}
            }
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spice-hand-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        let script = try SpiceSimulator.loadScript(from: url)
        #expect(
            script == [
                "T1-S-1001-1": .approved(amountCents: 1250),
                "T1-S-1003-1": .inProgress(polls: 3, then: .declined(amountCents: 900)),
                "T2-S-2002-1": .serverError(times: 2, status: 503, then: .notFound404),
                "T2-S-2003-1": .notFound,
            ])
    }

    @Test(arguments: [
        (#"{"X": {"aproved": {"amountCents": 1}}}"#, #"at "X".aproved: unknown behaviour "aproved": expected one of"#),
        (#"{"X": {"approved": {}}}"#, #"at "X".approved: the field "amountCents" is missing"#),
        (#"{"X": {"approved": {"amount": 1}}}"#, #"at "X".approved.amount: unknown field "amount" in approved"#),
        (#"{"X": {"inProgress": {"polls": -1, "then": "notFound"}}}"#, "expected a count of 0 or more, found -1"),
        (#"{"X": {"approved": {"amountCents": "12"}}}"#, #"at "X".approved.amountCents: expected a whole number"#),
        (#"{"X": "approved"}"#, #"found the string "approved""#),
        (#"["approved"]"#, "not a Spice script: expected a JSON object from posRefId to behaviour"),
        ("{", "not a Spice script"),
    ])
    func loadScriptExplainsMistakes(text: String, expected: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spice-bad-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        let error = try #require(throws: SpiceScriptError.self) { try SpiceSimulator.loadScript(from: url) }
        #expect(error.description.hasPrefix(url.path + ": "))
        #expect(error.message.contains(expected), "\(error.message)")
    }
}

/// A bare TCP client, to see exactly what the simulator does to a connection (RST, FIN, refusal).
enum RawSocket {
    struct Outcome: Sendable {
        var connectError: Int32?
        var bytes: [UInt8] = []
        var readError: Int32?
    }

    static func get(_ path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    }

    /// Connects, sends `request` and reads until EOF or an error, on a thread outside the cooperative pool.
    static func exchange(port: Int, request: String) async -> Outcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: exchangeBlocking(port: port, request: request))
            }
        }
    }

    private static func exchangeBlocking(port: Int, request: String) -> Outcome {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return Outcome(connectError: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return Outcome(connectError: errno) }
        let bytes = Array(request.utf8)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { return Outcome(readError: errno) }
        var outcome = Outcome()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                outcome.bytes += buffer[0..<count]
            } else {
                if count < 0 { outcome.readError = errno }
                return outcome
            }
        }
    }
}
