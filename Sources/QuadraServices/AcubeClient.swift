import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QuadraCore

/// The A-Cube E-Receipts client (apis.md): logs in lazily, keeps the token, reads list pages as raw bytes, and
/// sends the calls that change something (emergency report, offline period, journal close) at most once.
///
/// - A 401 logs in again once and repeats the call; a second 401 is `AcubeError.Kind.credentialsRefused`.
/// - 503 waits `Retry-After` (capped), 429 backs off with jitter, both up to `maximumRetries` (on writes too: both
///   mean the call was not processed); on reads (and the login) any 5xx and any timeout, reset or dropped
///   connection are retried the same way. Other 4xx are final. A connection that cannot be made is not retried
///   here: AsyncHTTPClient already retries connecting until its connect timeout.
/// - Writes are never resent after they may have reached A-Cube: a timeout, a dropped connection or a 5xx other
///   than 503 is `.unknown`, and the caller lists the reports before it sends again.
/// - The password and the token never appear in an error, an outcome or a description.
public final class AcubeClient: Sendable {
    /// The settings the client was made with.
    public let settings: Configuration.AcubeSettings
    /// When and how long it waits before trying again.
    public let retryPolicy: AcubeRetryPolicy

    private let http: HTTPClient
    private let credentials: AcubeCredentials
    private let timeout: TimeAmount
    private let session = AcubeSession()

    /// The largest body a read accepts.
    static let maximumBodyBytes = 64 << 20

    /// A client for `settings`, with the retry policy of `settings` (`maximumRetries`, default waits).
    public convenience init(http: HTTPClient, settings: Configuration.AcubeSettings, credentials: AcubeCredentials) {
        self.init(
            http: http, settings: settings, credentials: credentials, retryPolicy: AcubeRetryPolicy(settings: settings))
    }

    /// A client with an explicit retry policy (tests use short waits).
    public init(
        http: HTTPClient, settings: Configuration.AcubeSettings, credentials: AcubeCredentials,
        retryPolicy: AcubeRetryPolicy
    ) {
        self.http = http
        self.settings = settings
        self.credentials = credentials
        self.retryPolicy = retryPolicy
        self.timeout = .seconds(max(1, settings.requestTimeoutSeconds))
    }

    // MARK: - Login

    /// Logs in now unless a token is already held, so a caller can stop early (exit 2) on bad credentials or an
    /// unreachable A-Cube before it does any work.
    public func authenticate() async throws(AcubeError) {
        _ = try await token()
    }

    private func token() async throws(AcubeError) -> String {
        if let token = session.token { return token }
        let token = try await logIn()
        session.store(token)
        return token
    }

    /// `POST {authURL}/login {"email","password"}` → `{"token"}`.
    private func logIn() async throws(AcubeError) -> String {
        let url = Self.trimmed(settings.authURL) + "/login"
        let body = Array(
            ("{\"email\":" + JSONText.quoted(credentials.email) + ",\"password\":"
                + JSONText.quoted(credentials.password) + "}").utf8)
        let what = "the login at \(Self.host(of: url))"
        switch await perform(.POST, url, body: body, authorized: false, idempotent: true) {
        case .loginFailed(let error):
            throw error
        case .transport(let error, let retries):
            throw failure(
                .unreachable,
                "cannot reach A-Cube for \(what): \(Self.describe(error))\(Self.after(retries)): check "
                    + "acube.auth_url and the network")
        case .reply(let reply, let retries):
            switch reply.status {
            case 200..<300:
                guard let root = try? JSONParser.parse(reply.body), let token = root.objectValue?["token"]?.stringValue,
                    !token.isEmpty
                else {
                    throw failure(.badResponse, "A-Cube answered \(what) without a token: check acube.auth_url")
                }
                session.remember(token)
                return token
            case 400, 401, 403, 422:
                throw failure(
                    .credentialsRefused,
                    "A-Cube refused the credentials of \(credentials.email) (\(AcubeProblem.statusText(reply.status)): "
                        + "\(AcubeProblem.detail(status: reply.status, body: reply.body))): check "
                        + "\(AcubeCredentials.emailVariable) and \(AcubeCredentials.passwordVariable)")
            case 429, 500..<600:
                throw failure(
                    .unavailable(status: reply.status),
                    "A-Cube answered \(what) with \(AcubeProblem.statusText(reply.status))\(Self.after(retries)): "
                        + "\(AcubeProblem.detail(status: reply.status, body: reply.body)); try again later")
            default:
                throw failure(
                    .refused(status: reply.status),
                    "A-Cube answered \(what) with \(AcubeProblem.statusText(reply.status)): "
                        + "\(AcubeProblem.detail(status: reply.status, body: reply.body)); check acube.auth_url")
            }
        }
    }

    // MARK: - Reads

    /// One page of the PEM's receipts: `GET /mf1/{prefix}/{serial}/receipts?page=&size=`.
    public func receiptsPage(pem: String, page: Int) async throws(AcubeError) -> AcubePage {
        try await listPage(
            "/mf1/\(pemSegment(pem))/receipts", query: [("page", String(page)), ("size", String(pageSize))],
            page: page)
    }

    /// One page of the PEM's journals from `from` to `to`:
    /// `GET /mf2/merchants/{merchant_uuid}/journals?pem_serial_number=&date_from=&date_to=&page=&size=`.
    /// Throws when `merchant_uuid` is not configured.
    public func journalsPage(pem: String, from: FiscalDay, to: FiscalDay, page: Int) async throws(AcubeError)
        -> AcubePage
    {
        guard let merchant = settings.merchantUUID, !merchant.isEmpty else {
            throw AcubeError(
                kind: .notConfigured,
                message: "cannot list journals: acube.merchant_uuid is not configured: set it to the merchant's uuid")
        }
        return try await listPage(
            "/mf2/merchants/\(Self.encoded(merchant))/journals",
            query: [
                ("pem_serial_number", pem), ("date_from", from.description), ("date_to", to.description),
                ("page", String(page)), ("size", String(pageSize)),
            ], page: page)
    }

    /// One page of the notifications polled for the PEM: `GET /mf1/notifications?page=&size=&pem_serial_number=`
    /// (the query parameter stands for the PEM's certificate, which scopes notifications at A-Cube).
    public func notificationsPage(pem: String, page: Int) async throws(AcubeError) -> AcubePage {
        try await listPage(
            "/mf1/notifications",
            query: [("page", String(page)), ("size", String(pageSize)), ("pem_serial_number", pem)], page: page)
    }

    /// The emergency reports A-Cube holds for the PEM: `GET /mf2/{prefix}/{serial}/emergency-reports`.
    public func emergencyReports(pem: String) async throws(AcubeError) -> AcubeReportList {
        let path = "/mf2/\(pemSegment(pem))/emergency-reports"
        let bytes = try await read(path, query: [])
        guard let list = AcubeReportList.parse(bytes) else {
            throw failure(
                .badResponse,
                "A-Cube answered GET \(path) with something that is not a list of emergency reports: "
                    + "\(AcubeProblem.line(bytes) ?? "an empty body")")
        }
        return list
    }

    private var pageSize: Int { Int(clamping: max(1, settings.pageSize)) }

    private func listPage(_ path: String, query: [(String, String)], page: Int) async throws(AcubeError) -> AcubePage {
        let bytes = try await read(path, query: query)
        guard let parsed = AcubePage.parse(bytes, page: page, requestedSize: pageSize) else {
            throw failure(
                .badResponse,
                "A-Cube answered GET \(path) (page \(page)) with something that is not a list page (an object "
                    + "with \"members\"): \(AcubeProblem.line(bytes) ?? "an empty body")")
        }
        return parsed
    }

    private func read(_ path: String, query: [(String, String)]) async throws(AcubeError) -> [UInt8] {
        let url = apiURL(path, query: query)
        let what = "GET \(path)"
        switch await perform(.GET, url, body: nil, authorized: true, idempotent: true) {
        case .loginFailed(let error):
            throw error
        case .transport(let error, let retries):
            throw failure(
                .unreachable,
                "cannot reach A-Cube at \(Self.host(of: url)) for \(what): \(Self.describe(error))"
                    + "\(Self.after(retries)): check acube.base_url and the network")
        case .reply(let reply, let retries):
            let detail = AcubeProblem.detail(status: reply.status, body: reply.body)
            switch reply.status {
            case 200..<300:
                return reply.body
            case 401:
                throw refusedAfterLogin(what: what, detail: detail)
            case 429, 500..<600:
                throw failure(
                    .unavailable(status: reply.status),
                    "A-Cube answered \(what) with \(AcubeProblem.statusText(reply.status))\(Self.after(retries)): "
                        + "\(detail); try again later")
            default:
                throw failure(
                    .refused(status: reply.status),
                    "A-Cube refused \(what): \(AcubeProblem.statusText(reply.status)): \(detail)"
                        + Self.hint(status: reply.status))
            }
        }
    }

    // MARK: - Writes

    /// Sends an emergency report (the EmergencyReportInput JSON): a supplier to
    /// `POST /mf2/{prefix}/{serial}/upload-emergency-report`, a merchant to
    /// `POST /mf1/{prefix}/{serial}/emergency-report` (`settings.role`).
    public func submitEmergencyReport(pem: String, body: [UInt8]) async -> AcubeWriteOutcome {
        let path =
            switch settings.role {
            case .supplier: "/mf2/\(pemSegment(pem))/upload-emergency-report"
            case .merchant: "/mf1/\(pemSegment(pem))/emergency-report"
            }
        return await write(path, body: body)
    }

    /// Tells A-Cube the PEM could not reach it from `start` to `end` (RFC 3339):
    /// `POST /mf1/{prefix}/{serial}/offline-period {"start","end","reason"}`.
    public func notifyOfflinePeriod(pem: String, start: String, end: String, reason: String) async
        -> AcubeWriteOutcome
    {
        let body =
            "{\"start\":" + JSONText.quoted(start) + ",\"end\":" + JSONText.quoted(end) + ",\"reason\":"
            + JSONText.quoted(reason) + "}"
        return await write("/mf1/\(pemSegment(pem))/offline-period", body: Array(body.utf8))
    }

    /// Closes the PEM's open journal: `POST /mf1/{prefix}/{serial}/close`. A 409 (no open journal) is
    /// `.conflict`, which is not an error for Quadra.
    public func closeJournal(pem: String) async -> AcubeWriteOutcome {
        await write("/mf1/\(pemSegment(pem))/close", body: [])
    }

    private func write(_ path: String, body: [UInt8]) async -> AcubeWriteOutcome {
        let url = apiURL(path, query: [])
        let what = "POST \(path)"
        switch await perform(.POST, url, body: body, authorized: true, idempotent: false) {
        case .loginFailed(let error):
            return .unknown(reason: "not sent: " + error.message)
        case .transport(let error, let retries) where Self.isConnectFailure(error):
            return .unknown(
                reason: redact(
                    "not sent: cannot reach A-Cube at \(Self.host(of: url)) for \(what): \(Self.describe(error))"
                        + "\(Self.after(retries)): check acube.base_url and the network"))
        case .transport(let error, _):
            return .unknown(
                reason: redact(
                    "\(what): \(Self.describe(error)); it may or may not have reached A-Cube: list the reports "
                        + "before sending again"))
        case .reply(let reply, let retries):
            let detail = redact(AcubeProblem.detail(status: reply.status, body: reply.body))
            switch reply.status {
            case 200..<300:
                let object = (try? JSONParser.parse(reply.body))?.objectValue
                return .accepted(id: Self.text(object?["id"]), closedAt: Self.text(object?["closed_at"]))
            case 401:
                return .unknown(reason: "not sent: " + refusedAfterLogin(what: what, detail: detail).message)
            case 409:
                return .conflict(detail: detail)
            case 429, 503:
                let status = AcubeProblem.statusText(reply.status)
                return .unknown(
                    reason: "\(what): A-Cube still answered \(status)\(Self.after(retries)): \(detail); try again later"
                )
            case 400..<500:
                return .rejected(status: reply.status, detail: detail)
            default:
                return .unknown(
                    reason: "\(what): A-Cube answered \(AcubeProblem.statusText(reply.status)): \(detail); it may or "
                        + "may not have landed: list the reports before sending again")
            }
        }
    }

    // MARK: - The retry loop

    private struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    private enum Final {
        /// The last answer, after `retries` retries.
        case reply(Reply, retries: Int)
        /// The connection failed or timed out, after `retries` retries.
        case transport(any Error, retries: Int)
        /// The call was not sent: no token could be had.
        case loginFailed(AcubeError)
    }

    /// Sends a request, logging in first when `authorized`, logging in again once on a 401, and retrying 429 and
    /// 503 (with `idempotent`, also the other 5xx and transport failures) up to `maximumRetries`.
    private func perform(
        _ method: HTTPMethod, _ url: String, body: [UInt8]?, authorized: Bool, idempotent: Bool
    ) async -> Final {
        var retries = 0
        var loggedInAgain = false
        while true {
            var token: String?
            if authorized {
                do {
                    token = try await self.token()
                } catch {
                    return .loginFailed(error)
                }
            }
            let reply: Reply
            do {
                reply = try await exchange(method, url, body: body, token: token)
            } catch {
                // A write is never resent. A connection that could not be made is not retried here either:
                // AsyncHTTPClient already retries connecting, with backoff, until its connect timeout.
                guard idempotent, !Self.isConnectFailure(error), retries < retryPolicy.maximumRetries,
                    !Task.isCancelled
                else {
                    return .transport(error, retries: retries)
                }
                retries += 1
                await pause(retryPolicy.delay(beforeRetry: retries, cause: .transport))
                continue
            }
            if reply.status == 401, let token, !loggedInAgain {
                loggedInAgain = true
                session.forget(token)
                continue
            }
            let retryAfter = reply.headers.first(name: "Retry-After")
            let cause: AcubeRetryPolicy.Cause?
            switch reply.status {
            case 429: cause = .tooManyRequests(retryAfter: retryAfter)
            case 503: cause = .unavailable(retryAfter: retryAfter)
            case 500..<600 where idempotent: cause = .unavailable(retryAfter: retryAfter)
            default: cause = nil
            }
            guard let cause, retries < retryPolicy.maximumRetries, !Task.isCancelled else {
                return .reply(reply, retries: retries)
            }
            retries += 1
            await pause(retryPolicy.delay(beforeRetry: retries, cause: cause))
        }
    }

    private func exchange(_ method: HTTPMethod, _ url: String, body: [UInt8]?, token: String?) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Quadra")
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body {
            if !body.isEmpty { request.headers.add(name: "Content-Type", value: "application/json") }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: Self.maximumBodyBytes)
        return Reply(
            status: Int(response.status.code), headers: response.headers, body: Array(collected.readableBytesView))
    }

    private func pause(_ delay: Duration) async {
        guard delay > .zero else { return }
        try? await Task.sleep(for: delay)
    }

    // MARK: - Messages

    private func refusedAfterLogin(what: String, detail: String) -> AcubeError {
        failure(
            .credentialsRefused,
            "A-Cube refused the credentials: \(what) answered 401 Unauthorized even after logging in again as "
                + "\(credentials.email) (\(detail)): check \(AcubeCredentials.emailVariable) and "
                + "\(AcubeCredentials.passwordVariable), and that this account may use the PEM")
    }

    /// An error whose message has had every secret taken out.
    private func failure(_ kind: AcubeError.Kind, _ message: String) -> AcubeError {
        AcubeError(kind: kind, message: redact(message))
    }

    /// `text` with the password and every token this client was given replaced by `[hidden]`: a server that
    /// echoes them must not put them in a message.
    func redact(_ text: String) -> String {
        var out = text
        // The password also as it looks inside a JSON string (a server may echo the login body).
        let escaped = String(JSONText.quoted(credentials.password).dropFirst().dropLast())
        let secrets = ([credentials.password, escaped] + session.issued).filter { $0.count >= 4 }
        for secret in secrets.sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "[hidden]")
        }
        return out
    }

    private static func after(_ retries: Int) -> String {
        switch retries {
        case 0: ""
        case 1: " (after 1 retry)"
        default: " (after \(retries) retries)"
        }
    }

    private static func hint(status: Int) -> String {
        switch status {
        case 404: "; check acube.base_url, acube.path_prefix (pems or point-of-sales) and the PEM serial number"
        case 403: "; check that the account may use this PEM and acube.role"
        default: ""
        }
    }

    /// Whether `error` happened before a connection was made (refused, connect timeout), so nothing was sent.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError, client == .connectTimeout { return true }
        let text = String(describing: error)
        return text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111")
            || text.contains("NIOConnectionError")
    }

    /// A short operator-facing description of a transport failure.
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "the connection timed out"
            case .readTimeout, .deadlineExceeded: return "the request timed out"
            case .remoteConnectionClosed: return "the connection was closed before a whole answer came"
            default: break
            }
        }
        if let parser = error as? HTTPParserError, parser == .invalidEOFState {
            return "the connection was closed before a whole answer came"
        }
        if error is NIOTooManyBytesError { return "the answer was larger than \(maximumBodyBytes >> 20) MiB" }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return "the connection was refused (is the URL right, is A-Cube up?)"
        }
        if text.contains("reset") || text.contains("ECONNRESET") || text.contains("errno: 104") {
            return "the connection was reset"
        }
        if text.contains("imeout") || text.contains("deadline") { return "the request timed out" }
        return "the connection failed: \(text)"
    }

    // MARK: - URLs

    /// `{prefix}/{serial}` with the serial percent-encoded.
    private func pemSegment(_ pem: String) -> String {
        Self.encoded(settings.pathPrefix) + "/" + Self.encoded(pem)
    }

    private func apiURL(_ path: String, query: [(String, String)]) -> String {
        var url = Self.trimmed(settings.baseURL) + path
        if !query.isEmpty {
            url += "?" + query.map { Self.encoded($0.0) + "=" + Self.encoded($0.1) }.joined(separator: "&")
        }
        return url
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Characters left as they are in a path segment or query value; everything else is percent-encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func host(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .number(let text)?: text
        default: nil
        }
    }
}

/// The token of the current login, and every token issued so far (to keep them out of messages).
final class AcubeSession: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String?
    private var tokens: [String] = []

    var token: String? { lock.withLock { current } }

    var issued: [String] { lock.withLock { tokens } }

    func remember(_ token: String) {
        lock.withLock { if !tokens.contains(token) { tokens.append(token) } }
    }

    func store(_ token: String) {
        lock.withLock { current = token }
    }

    /// Drops `stale` after a 401, unless another call already replaced it.
    func forget(_ stale: String) {
        lock.withLock { if current == stale { current = nil } }
    }
}
