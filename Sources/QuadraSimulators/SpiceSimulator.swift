import Foundation
import NIOConcurrencyHelpers
import QuadraCore

/// A scripted Spice (mx51) adaptor on 127.0.0.1: a real HTTP server that answers Quadra's recovery requests the
/// way apis.md describes, with switches for the faults Quadra must survive.
///
/// Routes: `GET /v1/ping`; `GET /v1/{purchase|refund|cashout|moto}?posRefId=…` answers with the behaviour
/// scripted for that posRefId (or `fallback`), each GET moving that posRefId one step on; a missing posRefId is
/// 400, an unknown path 404, and any method but GET 405 (recorded, so tests can check Quadra never POSTs).
public final class SpiceSimulator: Sendable {
    /// How the simulated Spice answers the recovery GETs for one posRefId. Counted cases use up that many GETs,
    /// then behave as `then`; `slow` waits before every answer that reaches it and uses up none.
    public indirect enum Behavior: Sendable, Hashable {
        /// `success` true. `stringly`: amounts as `"1250"` and flags as `"true"`; `userOverride`: no receipts.
        case approved(amountCents: Int, userOverride: Bool = false, stringly: Bool = false)
        case declined(amountCents: Int, hostResponseText: String = "DECLINED")
        /// `polls` answers with `error_reason` (still running), then `then`.
        case inProgress(polls: Int, errorReason: String = "TRANSACTION_IN_PROGRESS", then: Behavior)
        /// `{"signatureRequired":{"receiptToSign":"…"}}` `polls` times, then `then`.
        case signatureRequired(polls: Int, then: Behavior)
        /// `{"Response":{"pos_ref_id":…}}` without `success`, `polls` times, then `then`.
        case noResult(polls: Int, then: Behavior)
        /// The connection is reset (RST) before any response byte, `times` times, then `then`.
        case reset(times: Int, then: Behavior)
        /// Status line, headers and half the body of `then`'s first answer, then close, `times` times.
        case truncated(times: Int, then: Behavior)
        /// HTTP `status` (500 unless told), `times` times, then `then`.
        case serverError(times: Int, status: Int = 500, then: Behavior)
        /// Waits `milliseconds` before every answer, then answers as `then` (for client timeouts).
        case slow(milliseconds: Int, then: Behavior)
        /// 200 `{"Response":{"success":false,"error_reason":"POS_REF_ID_NOT_FOUND",…}}`.
        case notFound
        /// HTTP 404.
        case notFound404
    }

    struct State {
        var script: [String: Behavior]
        var fallback: Behavior
        /// The recovery GETs seen so far per posRefId: the index of the next step.
        var counters: [String: Int] = [:]
        /// When a posRefId was first asked about: its `bank_date` and `bank_time`.
        var firstSeen: [String: Date] = [:]
        var requests: [SpiceRequestRecord] = []
    }

    private let state: NIOLockedValueBox<State>
    private let server: LoopbackHTTPServer

    /// A simulator that answers each posRefId as `script` says, and any other as `fallback`.
    public init(script: [String: Behavior] = [:], fallback: Behavior = .notFound) {
        let state = NIOLockedValueBox(State(script: script, fallback: fallback))
        self.state = state
        server = LoopbackHTTPServer { request in await Self.answer(request, state: state) }
    }

    /// Scripts `behavior` for `posRefId`, starting it afresh: its next GET is the behaviour's first step.
    public func setBehavior(_ behavior: Behavior, for posRefId: String) {
        state.withLockedValue { state in
            state.script[posRefId] = behavior
            state.counters[posRefId] = nil
        }
    }

    /// Binds 127.0.0.1; port 0 picks a free port.
    public func start(port: Int = 0) async throws {
        try await server.start(port: port)
    }

    /// The bound port (0 before `start`); it stays the same across `goDown` and `comeUp`.
    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { server.baseURL }

    /// Whether the simulator is listening.
    public var isUp: Bool { server.isListening }

    /// "Spice quits": stops listening (connections are refused) and resets the open connections. Scripts and
    /// step counters are kept.
    public func goDown() async {
        await server.stop()
    }

    /// "Spice restarts" on the same port, with the scripts and step counters it had. Does nothing if it is up.
    public func comeUp() async throws {
        guard !server.isListening else { return }
        try await server.restart()
    }

    public func shutdown() async {
        await server.shutdown()
    }

    /// Every request received, in the order they arrived.
    public var requests: [SpiceRequestRecord] { state.withLockedValue { $0.requests } }

    /// The most requests ever in flight at once; a request stops counting when it is answered or its client
    /// closes the connection.
    public var maximumConcurrentRequests: Int { server.maximumConcurrentRequests }

    /// The requests being worked on now (for tests that wait until a client's abandoned request is dropped).
    public var requestsInFlight: Int { server.requestsInFlight }

    static func answer(_ request: LoopbackHTTPRequest, state: NIOLockedValueBox<State>) async -> LoopbackHTTPAction {
        let record = SpiceRequestRecord(request)
        state.withLockedValue { $0.requests.append(record) }
        guard request.method == "GET" else {
            return .respond(
                .json(405, #"{"error":"method not allowed: Spice recovery is GET only"}"#, headers: ["Allow": "GET"]))
        }
        if request.path == "/v1/ping" {
            return .respond(.json(200, SpiceResponseBody.ping))
        }
        guard request.path.hasPrefix("/v1/"), let kind = AttemptKind(rawValue: String(request.path.dropFirst(4)))
        else {
            return .respond(.json(404, #"{"error":"no such path"}"#))
        }
        guard let posRefId = record.posRefId, !posRefId.isEmpty else {
            return .respond(.json(400, #"{"error":"the posRefId query parameter is missing or malformed"}"#))
        }
        let (behavior, index, bankTime) = state.withLockedValue { state in
            let index = state.counters[posRefId, default: 0]
            state.counters[posRefId] = index + 1
            let bankTime = state.firstSeen[posRefId] ?? request.receivedAt
            state.firstSeen[posRefId] = bankTime
            return (state.script[posRefId] ?? state.fallback, index, bankTime)
        }
        let (step, delay) = behavior.step(at: index)
        if delay > 0 {
            try? await Task.sleep(for: .milliseconds(delay))
        }
        return SpiceResponseBody.action(for: step, posRefId: posRefId, kind: kind, bankTime: bankTime)
    }
}
