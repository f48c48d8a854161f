import Foundation
import NIOConcurrencyHelpers
import NIOSSL
import QuadraCore

/// A simulated A-Cube E-Receipts platform on 127.0.0.1 that behaves like A-Cube's published OpenAPI file and SDK
/// (apis.md, version 2), refuses what the real API would refuse, and has switches for the faults Quadra must survive.
///
/// Two servers: the API (plain HTTP; it also plays the auth host) and, when `mutualTLS` is given, the mutual-TLS
/// host that serves notifications (A-Cube's port 444). Routes (`{prefix}` is `pathPrefix`, `pems` unless told):
/// - `POST /login` `{"email","password"}` → 200 `{"token"}` (a new JWT-looking token per login), 401
///   `{"code":401,"message":"Invalid credentials."}` for wrong credentials.
/// - `GET /mf1/notifications?page=&size=` on the mutual-TLS host only: the client certificate, verified against the
///   configured CA, scopes them (its subject CN is the PEM serial; any serial in the query is ignored); a bearer
///   token is needed too, as the SDK sends one. On the API host it is 403: notifications need mutual TLS.
/// - `GET /mf1/{prefix}/{serial}/receipts?page=&size=&status=&document_datetime[after|strictly_after|before|
///   strictly_before]=` → `{"members","total","page","size"}`: `status` is `ready` or `sent` (default `sent`), the
///   bounds are inclusive or strict as named, naive `document_datetime`s are local times in `timeZone`, and
///   `[before]` defaults to the time the simulator started (the spec's default is a fixed server time).
/// - `GET /mf2/merchants/{merchant_uuid}/journals?pem_serial_number=&date_from=&date_to=&page=&size=` → a page.
/// - `GET /mf2/{prefix}/{serial}/emergency-reports?page=&itemsPerPage=` → a plain array of `{"id","closed_at"}`
///   (`id` an integer, `closed_at` the server time of acceptance), 30 per page unless told; `GET …/{id}` → one, or
///   404.
/// - `POST /mf2/{prefix}/{serial}/upload-emergency-report` (supplier) and `POST /mf1/{prefix}/{serial}/emergency-report`
///   → 202 `{"id","closed_at"}`, or 422 in the path's error shape; the body must pass the EmergencyReportInput schema
///   of A-Cube's OpenAPI file, then the simulator's own checks.
/// - `POST /mf1/{prefix}/{serial}/communicate-offline` `{"timestamp","reason"}` → 202 `{}`; 409 when a period with
///   that timestamp is already held; 422 when the body fails the schema. The old `offline-period` path is 404.
/// - `POST /mf1/{prefix}/{serial}/close` → 202 `{}` when the PEM has an open journal (it becomes closed), else 409.
///
/// A merchant account (`role`) gets 403 on every `/mf2/` route, as in the SDK. Every route but `/login` needs
/// `Authorization: Bearer <token>`. An unknown PEM serial is 404, an unknown route 404, a known route with another
/// method 405. Pages are 1-based. Every answer is JSON.
///
/// Order of checks for a request: the 503 and 429 switches (any call but `/login`, as a gateway in front of the API
/// would answer), then the route, then the token, then the role, then the PEM, then the route's own switches and
/// validation.
public final class AcubeSimulator: Sendable {
    /// Which API an emergency report was posted through.
    public enum UploadPath: String, Sendable, Hashable {
        /// `POST /mf1/{prefix}/{serial}/emergency-report`: a merchant.
        case mf1
        /// `POST /mf2/{prefix}/{serial}/upload-emergency-report`: a supplier.
        case mf2
    }

    /// An emergency report A-Cube holds for a PEM, as its list shows it.
    public struct HeldReport: Sendable, Hashable {
        /// A-Cube's id.
        public var id: Int
        /// The server time it was accepted, RFC 3339 in UTC.
        public var closedAt: String
        /// Who filed it: nil when seeded, else the accepted post.
        public var posted: PostedReport?
    }

    /// An emergency report the simulator accepted (and stored), in the order accepted.
    public struct PostedReport: Sendable, Hashable {
        /// The id answered in the 202.
        public var id: Int
        /// The `closed_at` answered in the 202: the simulator's clock at acceptance, RFC 3339 in UTC.
        public var closedAt: String
        /// The `datetime` of the body, exactly as posted.
        public var datetime: String
        /// The body exactly as posted (UTF-8 text).
        public var body: String
        /// The route it came through.
        public var path: UploadPath

        public init(id: Int, closedAt: String, datetime: String, body: String, path: UploadPath) {
            self.id = id
            self.closedAt = closedAt
            self.datetime = datetime
            self.body = body
            self.path = path
        }
    }

    /// An offline communication the simulator accepted, its fields exactly as posted.
    public struct PostedOfflinePeriod: Sendable, Hashable {
        /// When the PEM lost A-Cube, RFC 3339 with an offset.
        public var timestamp: String
        /// Why, as the client wrote it.
        public var reason: String

        public init(timestamp: String, reason: String) {
            self.timestamp = timestamp
            self.reason = reason
        }
    }

    /// The files of the mutual-TLS host: its certificate and key, and the CA its clients' certificates must chain
    /// to (PEM files).
    public struct MutualTLS: Sendable, Hashable {
        public var certificate: String
        public var privateKey: String
        public var clientCA: String

        public init(certificate: String, privateKey: String, clientCA: String) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
        }

        /// The demo certificates of a Samples folder: `certificates/server.crt`, `server.key` and `ca.crt`.
        public init(certificates folder: URL) {
            self.init(
                certificate: folder.appendingPathComponent("server.crt").path,
                privateKey: folder.appendingPathComponent("server.key").path,
                clientCA: folder.appendingPathComponent("ca.crt").path)
        }
    }

    /// What the simulator was built with; it never changes.
    struct Configuration: Sendable {
        var email: String
        var password: String
        var role: QuadraCore.Configuration.AcubeSettings.Role
        var merchantUUID: String
        var pathPrefix: String
        var timeZone: FiscalTimeZone
        var now: @Sendable () -> Date
        /// The default of `document_datetime[before]`: when the simulator started.
        var startedAt: Date
    }

    let configuration: Configuration
    let state: NIOLockedValueBox<State>
    private let mutualTLS: MutualTLS?
    private let server: LoopbackHTTPServer
    private let tlsServer = NIOLockedValueBox<LoopbackHTTPServer?>(nil)

    /// A simulator that accepts `email` and `password` at `/login` for an account of `role`, knows one merchant,
    /// `merchantUUID`, and serves PEM routes under `/{mf1|mf2}/{pathPrefix}/`. `now` is its clock (for `closed_at`,
    /// the tokens' `iat` and the default receipt bound). With `mutualTLS`, `start` also opens the notifications host.
    /// It knows no PEM until `seed` is called.
    public init(
        email: String, password: String, role: QuadraCore.Configuration.AcubeSettings.Role = .supplier,
        merchantUUID: String = "3f2a9c4e-0000-4000-8000-000000000001", pathPrefix: String = "pems",
        timeZone: FiscalTimeZone = .rome, mutualTLS: MutualTLS? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let configuration = Configuration(
            email: email, password: password, role: role, merchantUUID: merchantUUID, pathPrefix: pathPrefix,
            timeZone: timeZone, now: now, startedAt: now())
        let state = NIOLockedValueBox(State())
        self.configuration = configuration
        self.state = state
        self.mutualTLS = mutualTLS
        server = LoopbackHTTPServer(handler: Self.handler(configuration: configuration, state: state))
    }

    /// The handler both hosts share: the latency switch, the hold switch, then the answer.
    static func handler(configuration: Configuration, state: NIOLockedValueBox<State>) -> LoopbackHTTPServer.Handler {
        { request in
            let latency = state.withLockedValue { $0.latencyMilliseconds }
            if latency > 0 {
                guard (try? await Task.sleep(for: .milliseconds(latency))) != nil else { return .reset }
            }
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
            return answer(request, configuration: configuration, state: state)
        }
    }

    // MARK: - Server

    /// Binds 127.0.0.1 (port 0 picks a free port) and, with `mutualTLS`, the notifications host on `mtlsPort`.
    /// Throws when a port cannot be bound or a TLS file cannot be used.
    public func start(port: Int = 0, mtlsPort: Int = 0) async throws {
        if let mutualTLS {
            let context = try Self.serverContext(mutualTLS)
            let tls = LoopbackHTTPServer(
                tls: context, handler: Self.handler(configuration: configuration, state: state))
            try await tls.start(port: mtlsPort)
            tlsServer.withLockedValue { $0 = tls }
        }
        try await server.start(port: port)
    }

    /// A TLS server context that verifies client certificates against `files.clientCA` (no hostname check: clients
    /// are cash registers).
    static func serverContext(_ files: MutualTLS) throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
            let key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(files.clientCA)
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw AcubeSimulatorError(
                path: files.certificate,
                message: "cannot set up mutual TLS with \(files.certificate), \(files.privateKey) and client CA "
                    + "\(files.clientCA): \(error)")
        }
    }

    /// The API host's bound port, 0 before `start`.
    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`: both the auth URL and the API base URL.
    public var baseURL: String { server.baseURL }

    /// The mutual-TLS host's port, 0 without one.
    public var mtlsPort: Int { tlsServer.withLockedValue { $0?.port ?? 0 } }

    /// `https://127.0.0.1:PORT` of the mutual-TLS host (notifications); nil without one.
    public var mtlsBaseURL: String? { tlsServer.withLockedValue { $0?.baseURL } }

    /// Stops listening and resets the open connections.
    public func shutdown() async {
        await server.shutdown()
        await tlsServer.withLockedValue { $0 }?.shutdown()
    }

    // MARK: - Seeding

    /// Adds the raw JSON objects of one PEM to the data served, after what that PEM already has, and makes the
    /// PEM known (even with every list empty). `receipts` are `sent`, `readyReceipts` `ready`.
    ///
    /// Each string should be one JSON object, as the API returns it; it is served re-written compactly with its
    /// keys and number texts unchanged. A string that does not parse as an object is served verbatim (so a test
    /// can feed a client a broken member on purpose); filters then keep it. An emergency report is served as
    /// `{"id","closed_at"}` only: its integer `id` is kept (another id gets the next free integer) and any
    /// `datetime` is dropped, as A-Cube's list has none.
    public func seed(
        pem: String, receipts: [String] = [], readyReceipts: [String] = [], journals: [String] = [],
        notifications: [String] = [], emergencyReports: [String] = []
    ) {
        let data = AcubeSeedData(
            receipts: receipts.map { AcubeSeedReceipt(member: AcubeSeedMember(raw: $0), status: .sent) }
                + readyReceipts.map { AcubeSeedReceipt(member: AcubeSeedMember(raw: $0), status: .ready) },
            journals: journals.map(AcubeSeedMember.init(raw:)),
            notifications: notifications.map(AcubeSeedMember.init(raw:)),
            emergencyReports: emergencyReports.map(AcubeSeedMember.init(raw:)))
        state.withLockedValue { $0.add(data, for: pem, now: configuration.now()) }
    }

    // MARK: - What clients did

    /// Every request received, in the order answered; a login body has its password replaced by `***`.
    public var requests: [AcubeRequestRecord] { state.withLockedValue { $0.requests } }

    /// The emergency reports accepted for `pem` through either path, in the order accepted.
    public func postedEmergencyReports(pem: String) -> [PostedReport] {
        state.withLockedValue { $0.pems[pem]?.reports.compactMap(\.posted) ?? [] }
    }

    /// Every emergency report A-Cube holds for `pem` (seeded, filed elsewhere, posted), in id order.
    public func heldEmergencyReports(pem: String) -> [HeldReport] {
        state.withLockedValue { $0.pems[pem]?.reports ?? [] }
    }

    /// Files a report for `pem` as someone else would (another tool, the merchant's portal): it is held and listed,
    /// but no client of this test posted it. Returns its id.
    @discardableResult
    public func fileReportElsewhere(pem: String) -> Int {
        state.withLockedValue { state in
            let id = state.nextReportId()
            let closedAt = Instant(date: configuration.now()).utcString
            state.pems[pem, default: PEMState()].reports.append(HeldReport(id: id, closedAt: closedAt, posted: nil))
            if !state.pemOrder.contains(pem) { state.pemOrder.append(pem) }
            return id
        }
    }

    /// The offline communications accepted for `pem`, in the order accepted.
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

    /// Every call with a token answers 401 from now on, logins still succeeding: an account that may log in but
    /// use nothing.
    public func refuseEveryToken() {
        state.withLockedValue { $0.refuseTokens = true }
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

    /// Every request waits `milliseconds` before it is answered (a distant A-Cube), on both hosts.
    public func delayEveryRequest(milliseconds: Int) {
        state.withLockedValue { $0.latencyMilliseconds = max(0, milliseconds) }
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

    /// The next `times` uploads wait `milliseconds` before they are looked at, so a test can kill the client while
    /// its POST is in flight; an upload whose client went away meanwhile is never stored.
    public func holdNextUploads(_ times: Int, milliseconds: Int) {
        state.withLockedValue { $0.holds = (times, milliseconds) }
    }

    /// Uploads being held right now.
    public var uploadsHeld: Int { state.withLockedValue { $0.uploadsHeld } }

    /// The next `times` valid emergency report uploads are stored (and listed), then the connection is reset
    /// with no response: the client cannot know the report landed. Invalid uploads (422) do not use them up.
    public func commitThenDropNextUploads(_ times: Int) {
        state.withLockedValue { $0.drops = max(0, times) }
    }

    /// The next `times` valid uploads are stored (and listed), then answered `status` (a 5xx) as a gateway that
    /// lost the backend's answer would.
    public func commitThenFailNextUploads(_ times: Int, status: Int = 502) {
        state.withLockedValue { $0.failsAfterCommit = (max(0, times), status) }
    }

    /// The next `times` uploads that reach the route are answered `status` (a 5xx) without being stored: A-Cube
    /// did not take them, but the client cannot know.
    public func failNextUploads(_ times: Int, status: Int = 503) {
        state.withLockedValue { $0.failsBeforeCommit = (max(0, times), status) }
    }

    /// The next `times` offline communications (authorised, known PEM) are refused with `status` and `detail` in
    /// MF1 shape, whatever their body; nothing is stored.
    public func refuseOfflinePeriods(_ times: Int, status: Int = 409, detail: String = "overlapping offline period") {
        state.withLockedValue { $0.refusals = (max(0, times), status, detail) }
    }
}

/// Thrown by the A-Cube simulator for a night or a file it cannot load, naming the file.
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
