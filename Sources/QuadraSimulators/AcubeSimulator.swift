import Foundation
import NIOConcurrencyHelpers
import QuadraCore

/// A simulated A-Cube E-Receipts platform on 127.0.0.1: one real HTTP server that plays both the auth host and
/// the API host, answers Quadra's calls the way apis.md describes, and has switches for the faults Quadra must
/// survive.
///
/// Routes (`{prefix}` is `pathPrefix`, `pems` unless told; only that prefix is accepted):
/// - `POST /login` `{"email","password"}` → 200 `{"token"}` (a new JWT-looking token per login), 401
///   `{"code":401,"message":"Invalid credentials."}` for wrong credentials.
/// - `GET /mf1/notifications?pem_serial_number=&page=&size=` → `{"members","total","page","size","pages"}`.
///   **Decided**: A-Cube scopes notifications by the PEM's certificate the client polls with; the simulator has
///   no certificates, so it scopes them by the `pem_serial_number` query parameter that stands in for it. Without
///   the parameter it serves every PEM's notifications (in seeding order); an unknown serial gets an empty page.
///   `pages` is at least 1.
/// - `GET /mf1/{prefix}/{serial}/receipts?page=&size=` → `{"members","total","page","size"}`.
/// - `GET /mf2/merchants/{merchant_uuid}/journals?pem_serial_number=&date_from=&date_to=&page=&size=` → the same
///   page shape; an unknown merchant is 404.
/// - `GET /mf2/{prefix}/{serial}/emergency-reports` → `[{"id","closed_at","datetime"}]`, the seeded ones, then
///   the posted ones in the order they were accepted.
/// - `POST /mf2/{prefix}/{serial}/upload-emergency-report` (supplier) and
///   `POST /mf1/{prefix}/{serial}/emergency-report` (merchant) → 202 `{"id","closed_at"}`, or 422 in the path's
///   error shape.
/// - `POST /mf1/{prefix}/{serial}/offline-period` `{"start","end","reason"}` → 202 `{}`, or 422.
/// - `POST /mf1/{prefix}/{serial}/close` → 202 `{}` when the PEM has an open journal (it becomes closed), else 409.
///
/// Every route but `/login` needs `Authorization: Bearer <token>` with a token that is valid and not expired,
/// else 401 in MF1 shape. An unknown PEM serial is 404, an unknown route 404, a known route with another method
/// 405. Pages are 1-based; `size` defaults to 30 and is capped at 100; a `page` or `size` that is not a positive
/// integer is 400. Every answer is JSON with `Content-Type: application/json`.
///
/// Order of checks for a request: the 503 and 429 switches (any call but `/login`, as a gateway in front of
/// the API would answer), then the route, then the token, then the PEM, then the route's own switches and
/// validation.
public final class AcubeSimulator: Sendable {
    /// Which API an emergency report was posted through.
    public enum UploadPath: String, Sendable, Hashable {
        /// `POST /mf1/{prefix}/{serial}/emergency-report`: a merchant.
        case mf1
        /// `POST /mf2/{prefix}/{serial}/upload-emergency-report`: a supplier.
        case mf2
    }

    /// An emergency report the simulator accepted (and stored), in the order accepted.
    public struct PostedReport: Sendable, Hashable {
        /// The id answered in the 202 (a random UUID, lower case).
        public var id: String
        /// The `closed_at` answered in the 202: the simulator's clock at acceptance, RFC 3339 in UTC.
        public var closedAt: String
        /// The `datetime` of the body, exactly as posted.
        public var datetime: String
        /// The body exactly as posted (UTF-8 text).
        public var body: String
        /// The route it came through.
        public var path: UploadPath

        /// A report with every field given.
        public init(id: String, closedAt: String, datetime: String, body: String, path: UploadPath) {
            self.id = id
            self.closedAt = closedAt
            self.datetime = datetime
            self.body = body
            self.path = path
        }
    }

    /// An offline period the simulator accepted, its fields exactly as posted.
    public struct PostedOfflinePeriod: Sendable, Hashable {
        /// The start of the period, RFC 3339 with an offset.
        public var start: String
        /// The end of the period, after `start`.
        public var end: String
        /// Why the PEM could not reach A-Cube, as the client wrote it.
        public var reason: String

        /// A period with every field given.
        public init(start: String, end: String, reason: String) {
            self.start = start
            self.end = end
            self.reason = reason
        }
    }

    /// What the simulator was built with; it never changes.
    struct Configuration: Sendable {
        var email: String
        var password: String
        var merchantUUID: String
        var pathPrefix: String
        var now: @Sendable () -> Date
    }

    let configuration: Configuration
    let state: NIOLockedValueBox<State>
    private let server: LoopbackHTTPServer

    /// A simulator that accepts `email` and `password` at `/login`, knows one merchant, `merchantUUID`, and
    /// serves PEM routes under `/{mf1|mf2}/{pathPrefix}/`. `now` is its clock (for `closed_at` and the tokens'
    /// `iat`). It knows no PEM until `seed` is called.
    public init(
        email: String, password: String, merchantUUID: String = "3f2a9c4e-0000-4000-8000-000000000001",
        pathPrefix: String = "pems", now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let configuration = Configuration(
            email: email, password: password, merchantUUID: merchantUUID, pathPrefix: pathPrefix, now: now)
        let state = NIOLockedValueBox(State())
        self.configuration = configuration
        self.state = state
        server = LoopbackHTTPServer { request in
            if request.method == "POST", request.path.hasSuffix("emergency-report") {
                let hold = state.withLockedValue { state -> Int in
                    guard state.holds.times > 0 else { return 0 }
                    state.holds.times -= 1
                    state.uploadsHeld += 1
                    return state.holds.milliseconds
                }
                if hold > 0 {
                    // The server cancels a handler whose client went away: such an upload never lands.
                    let finished = (try? await Task.sleep(for: .milliseconds(hold))) != nil
                    state.withLockedValue { $0.uploadsHeld -= 1 }
                    if !finished || Task.isCancelled { return .reset }
                }
            }
            return Self.answer(request, configuration: configuration, state: state)
        }
    }

    // MARK: - Server

    /// Binds 127.0.0.1; port 0 picks a free port.
    public func start(port: Int = 0) async throws {
        try await server.start(port: port)
    }

    /// The bound port, 0 before `start`.
    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`: both the auth URL and the API base URL.
    public var baseURL: String { server.baseURL }

    /// Stops listening and resets the open connections.
    public func shutdown() async {
        await server.shutdown()
    }

    // MARK: - Seeding

    /// Adds the raw JSON objects of one PEM to the data served, after what that PEM already has, and makes the
    /// PEM known (even with every list empty).
    ///
    /// Each string should be one JSON object, as the API returns it; it is served re-written compactly with its
    /// keys and number texts unchanged. A string that does not parse as an object is served verbatim (so a test
    /// can feed a client a broken member on purpose); journal filters and closes then skip it.
    public func seed(
        pem: String, receipts: [String] = [], journals: [String] = [], notifications: [String] = [],
        emergencyReports: [String] = []
    ) {
        let data = AcubeSeedData(
            receipts: receipts.map(AcubeSeedMember.init(raw:)), journals: journals.map(AcubeSeedMember.init(raw:)),
            notifications: notifications.map(AcubeSeedMember.init(raw:)),
            emergencyReports: emergencyReports.map(AcubeSeedMember.init(raw:)))
        state.withLockedValue { $0.add(data, for: pem) }
    }

    // MARK: - What clients did

    /// Every request received, in the order answered; a login body has its password replaced by `***`.
    public var requests: [AcubeRequestRecord] { state.withLockedValue { $0.requests } }

    /// The emergency reports accepted for `pem` through either path, in the order accepted.
    public func postedEmergencyReports(pem: String) -> [PostedReport] {
        state.withLockedValue { $0.pems[pem]?.posted ?? [] }
    }

    /// The offline periods accepted for `pem`, in the order accepted.
    public func offlinePeriods(pem: String) -> [PostedOfflinePeriod] {
        state.withLockedValue { $0.pems[pem]?.offlinePeriods ?? [] }
    }

    /// How many `close` calls for `pem` were answered 202.
    public func journalCloses(pem: String) -> Int {
        state.withLockedValue { $0.pems[pem]?.journalCloses ?? 0 }
    }

    /// How many logins succeeded.
    public var logins: Int { state.withLockedValue { $0.logins } }

    // MARK: - Fault switches

    /// After `n` more calls made with a valid token, every token issued so far answers 401 ("Expired JWT
    /// Token") until the client logs in again; 0 expires them at the next such call. Clears itself once fired.
    public func expireTokens(afterCalls n: Int) {
        state.withLockedValue { $0.tokenCallsBeforeExpiry = max(0, n) }
    }

    /// The next `times` calls to any route but `/login` are answered 503 with `Retry-After: retryAfterSeconds`.
    public func respond503(times: Int, retryAfterSeconds: Int) {
        state.withLockedValue { $0.unavailable = (max(0, times), max(0, retryAfterSeconds)) }
    }

    /// The next `times` calls to any route but `/login` are answered 429 (no `Retry-After`: the client's own
    /// backoff decides).
    public func respond429(times: Int) {
        state.withLockedValue { $0.tooManyRequests = max(0, times) }
    }

    /// The next `times` emergency report uploads (either path, authorised, known PEM) are answered 422 in the
    /// path's error shape with these violations, whatever their body; nothing is stored.
    ///
    /// A `propertyPath` such as `entries[0].vat_rate_code` becomes the MF1 `loc`
    /// `["body","entries",0,"vat_rate_code"]`.
    public func rejectNextUploads(_ times: Int, violations: [(propertyPath: String, message: String)]) {
        let parsed = violations.map {
            AcubeViolation(path: AcubeViolation.parse(propertyPath: $0.propertyPath), message: $0.message)
        }
        state.withLockedValue { $0.rejections = (max(0, times), parsed) }
    }

    /// The next `times` valid emergency report uploads are stored (and listed), then the connection is reset
    /// with no response: the client cannot know the report landed. Invalid uploads (422) do not use them up.
    /// The next `times` uploads wait `milliseconds` before they are looked at, so a test can kill the client while
    /// its POST is in flight; an upload whose client went away meanwhile is never stored.
    public func holdNextUploads(_ times: Int, milliseconds: Int) {
        state.withLockedValue { $0.holds = (times, milliseconds) }
    }

    /// Uploads being held right now.
    public var uploadsHeld: Int { state.withLockedValue { $0.uploadsHeld } }

    public func commitThenDropNextUploads(_ times: Int) {
        state.withLockedValue { $0.drops = max(0, times) }
    }

    /// The next `times` offline period posts (authorised, known PEM) are refused with `status` and `detail` in
    /// MF1 shape, whatever their body; nothing is stored.
    public func refuseOfflinePeriods(_ times: Int, status: Int = 409, detail: String = "overlapping offline period") {
        state.withLockedValue { $0.refusals = (max(0, times), status, detail) }
    }
}

/// Thrown by `AcubeSimulator.seed(fromNight:)` for a night it cannot load, naming the file.
public struct AcubeSimulatorError: Error, CustomStringConvertible, Sendable {
    /// The file or directory that could not be loaded.
    public var path: String
    /// What is wrong with it.
    public var message: String

    /// `path: message`.
    public var description: String { "\(path): \(message)" }

    /// An error about `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}
