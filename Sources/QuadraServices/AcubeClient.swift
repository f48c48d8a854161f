import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import QuadraCore

/// The A-Cube E-Receipts client (apis.md, version 2): logs in lazily, keeps the token, reads list pages as raw
/// bytes (notifications over mutual TLS with each PEM's certificate), and sends the calls that change something
/// (emergency report, offline communication, journal close) at most once.
///
/// - A 401 logs in again once and repeats the call; a second 401 is `AcubeError.Kind.credentialsRefused`.
/// - 503 waits `Retry-After` (capped), 429 backs off with jitter, both up to `maximumRetries`; the wait is shared
///   by every call of the client (one back-off for all PEMs). Reads (and the login) also retry any 5xx and any
///   timeout, reset or dropped connection. Other 4xx are final. A connection that cannot be made is not retried
///   here: AsyncHTTPClient already retries connecting until its connect timeout.
/// - An emergency report is never resent by the client: only a 429 (refused before any processing) is retried;
///   a timeout, a dropped connection or any 5xx is `.unknown`, and the caller settles it from A-Cube's list of
///   report ids. Offline communications and journal closes, which A-Cube answers 409 when repeated, retry 503 too.
/// - The password, the token and key material never appear in an error, an outcome or a description.
public final class AcubeClient: Sendable {
    /// The settings the client was made with.
    public let settings: Configuration.AcubeSettings
    /// When and how long it waits before trying again.
    public let retryPolicy: AcubeRetryPolicy

    private let http: HTTPClient
    /// The client of the mutual-TLS calls (notifications); `http` unless given.
    private let mutualTLSHTTP: HTTPClient
    private let credentials: AcubeCredentials
    private let timeout: TimeAmount
    private let session = AcubeSession()
    private let gate = AcubeBackoffGate()

    /// Whether a 429 or 503 answer holds every call back right now.
    var isBackingOff: Bool { gate.isPaused }

    /// The largest body a read accepts.
    static let maximumBodyBytes = 64 << 20
    /// A-Cube's default page of the emergency report list, which every server accepts: the list ends at the first
    /// page with fewer ids than asked, so a server that capped a larger page could end it early.
    static let reportPageLimit = 30

    /// A client for `settings`, with the retry policy of `settings` (`maximumRetries`, default waits). The
    /// notifications go through `mutualTLSHTTP` when given (`makeHTTPClient(settings:mutualTLS: true)`).
    public convenience init(
        http: HTTPClient, mutualTLSHTTP: HTTPClient? = nil, settings: Configuration.AcubeSettings,
        credentials: AcubeCredentials
    ) {
        self.init(
            http: http, mutualTLSHTTP: mutualTLSHTTP, settings: settings, credentials: credentials,
            retryPolicy: AcubeRetryPolicy(settings: settings))
    }

    /// A client with an explicit retry policy (tests use short waits).
    public init(
        http: HTTPClient, mutualTLSHTTP: HTTPClient? = nil, settings: Configuration.AcubeSettings,
        credentials: AcubeCredentials, retryPolicy: AcubeRetryPolicy
    ) {
        self.http = http
        self.mutualTLSHTTP = mutualTLSHTTP ?? http
        self.settings = settings
        self.credentials = credentials
        self.retryPolicy = retryPolicy
        self.timeout = .seconds(max(1, settings.requestTimeoutSeconds))
    }

    /// How long an idle mutual-TLS connection is kept: each PEM's certificate has its own connection (and TLS
    /// context, with the system's roots loaded), used for that PEM's few notification pages only, so keeping them
    /// would make memory grow with the number of PEMs rather than with the PEMs fetched at once.
    static let mutualTLSIdleTimeout: TimeAmount = .milliseconds(500)

    /// The HTTP client A-Cube calls need: the system's roots plus `acube.ca_certificate` when set, and no redirect
    /// followed (a redirect could carry the login elsewhere). With `mutualTLS`, for the notifications: idle
    /// connections are closed at once. Shut it down when done.
    public static func makeHTTPClient(settings: Configuration.AcubeSettings, mutualTLS: Bool = false) throws(AcubeError)
        -> HTTPClient
    {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        if mutualTLS { configuration.connectionPool = .init(idleTimeout: mutualTLSIdleTimeout) }
        if let ca = settings.caCertificate {
            guard FileManager.default.isReadableFile(atPath: ca) else {
                throw AcubeError(
                    kind: .notConfigured,
                    message: "acube.ca_certificate: cannot read \(ca): check the path (a PEM file of CA certificates)")
            }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = [.file(ca)]
            configuration.tlsConfiguration = tls
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    // MARK: - Login

    /// Logs in now unless a token is already held, so a caller can stop early (exit 2) on bad credentials or an
    /// unreachable A-Cube before it does any work.
    public func authenticate() async throws(AcubeError) {
        _ = try await token()
    }

    /// The current token, logging in when there is none. Concurrent callers share one login.
    private func token() async throws(AcubeError) -> String {
        if let token = session.token { return token }
        let login = session.login { Task { () async throws -> String in try await self.logIn() } }
        do {
            let token = try await login.value
            session.store(token, from: login)
            return token
        } catch {
            session.forgetLogin(login)
            throw (error as? AcubeError) ?? failure(.unreachable, "the login failed: \(error)")
        }
    }

    /// `POST {authURL}/login {"email","password"}` → `{"token"}`.
    private func logIn() async throws(AcubeError) -> String {
        let url = Self.trimmed(settings.authURL) + "/login"
        let body = Array(
            ("{\"email\":" + JSONText.quoted(credentials.email) + ",\"password\":"
                + JSONText.quoted(credentials.password) + "}").utf8)
        let what = "the login at \(Self.host(of: url))"
        switch await perform(.POST, url, body: body, authorized: false, retry: .read, tls: nil) {
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

    /// One page of the PEM's receipts with `status` issued on `day`:
    /// `GET /mf1/{prefix}/{serial}/receipts?page=&size=&status=&document_datetime[after]=&[strictly_before]=&[before]=`.
    /// The bounds are the day's first instant and the next day's, RFC 3339 with the zone's offset (a DST day has
    /// 23 or 25 hours); `[before]` is sent too, because the spec's default for it is a fixed server time.
    public func receiptsPage(
        pem: String, status: AcubeReceiptStatus, day: FiscalDay, timeZone: FiscalTimeZone, page: Int
    ) async throws(AcubeError) -> AcubePage {
        let start = timeZone.format(timeZone.startOfDay(day))
        let end = timeZone.format(timeZone.startOfDay(FiscalDay(daysSinceEpoch: day.daysSinceEpoch + 1)))
        return try await listPage(
            "/mf1/\(pemSegment(pem))/receipts",
            query: [
                ("page", String(page)), ("size", String(pageSize)), ("status", status.rawValue),
                ("document_datetime[after]", start), ("document_datetime[strictly_before]", end),
                ("document_datetime[before]", end),
            ], page: page)
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

    /// One page of the notifications of the PEM whose certificate `identity` holds:
    /// `GET {mtls_base_url}/mf1/notifications?page=&size=` over mutual TLS. The certificate scopes them: there is
    /// no serial in the request.
    public func notificationsPage(identity: AcubeClientIdentity, page: Int) async throws(AcubeError) -> AcubePage {
        let url = Self.trimmed(settings.effectiveMTLSBaseURL) + "/mf1/notifications"
        return try await listPage(
            "/mf1/notifications", query: [("page", String(page)), ("size", String(pageSize))], page: page,
            base: url, tls: identity.tlsConfiguration)
    }

    /// One page of the PEM's emergency reports, a plain JSON array of `{"id","closed_at"}`:
    /// `GET /mf2/{prefix}/{serial}/emergency-reports?page=&itemsPerPage=` (supplier).
    public func emergencyReportsPage(pem: String, page: Int) async throws(AcubeError) -> AcubeReportList {
        let path = "/mf2/\(pemSegment(pem))/emergency-reports"
        let size = reportPageSize
        let bytes = try await read(path, query: [("page", String(page)), ("itemsPerPage", String(size))])
        guard let list = AcubeReportList.parse(bytes, requestedSize: size) else {
            throw failure(
                .badResponse,
                "A-Cube answered GET \(path) (page \(page)) with something that is not a list of emergency reports "
                    + "(a JSON array of {\"id\", \"closed_at\"}): \(AcubeProblem.line(bytes) ?? "an empty body")")
        }
        return list
    }

    /// Every page of the PEM's emergency reports, until a page holds fewer than asked.
    public func emergencyReportPages(pem: String) async throws(AcubeError) -> [AcubeReportList] {
        var pages: [AcubeReportList] = []
        var number = 1
        while true {
            let page = try await emergencyReportsPage(pem: pem, page: number)
            pages.append(page)
            guard page.hasMore else { return pages }
            guard number < AcubeFetcher.maximumPages else {
                throw failure(
                    .badResponse,
                    "A-Cube still listed full pages of emergency reports of \(pem) after \(number) pages: stopped")
            }
            number += 1
        }
    }

    /// The ids of every emergency report A-Cube holds for the PEM, in the order listed (each once).
    public func emergencyReportIds(pem: String) async throws(AcubeError) -> [String] {
        var seen = Set<String>()
        var ids: [String] = []
        for page in try await emergencyReportPages(pem: pem) {
            for report in page.reports where seen.insert(report.id).inserted { ids.append(report.id) }
        }
        return ids
    }

    /// One emergency report by id, or nil when A-Cube has none with that id:
    /// `GET /mf2/{prefix}/{serial}/emergency-reports/{id}`.
    public func emergencyReport(pem: String, id: String) async throws(AcubeError) -> AcubeReportList.Report? {
        let path = "/mf2/\(pemSegment(pem))/emergency-reports/\(Self.encoded(id))"
        let bytes: [UInt8]
        do {
            bytes = try await read(path, query: [])
        } catch {
            if case .refused(status: 404) = error.kind { return nil }
            throw error
        }
        guard let value = try? JSONParser.parse(bytes), let object = value.objectValue,
            let report = AcubeReportList.Report(object)
        else {
            throw failure(
                .badResponse,
                "A-Cube answered GET \(path) with something that is not an emergency report: "
                    + "\(AcubeProblem.line(bytes) ?? "an empty body")")
        }
        return report
    }

    private var pageSize: Int { Int(clamping: max(1, settings.pageSize)) }

    private var reportPageSize: Int { min(pageSize, Self.reportPageLimit) }

    private func listPage(
        _ path: String, query: [(String, String)], page: Int, base: String? = nil, tls: TLSConfiguration? = nil
    ) async throws(AcubeError) -> AcubePage {
        let bytes = try await read(path, query: query, base: base, tls: tls)
        guard let parsed = AcubePage.parse(bytes, page: page, requestedSize: pageSize) else {
            throw failure(
                .badResponse,
                "A-Cube answered GET \(path) (page \(page)) with something that is not a list page (an object "
                    + "with \"members\"): \(AcubeProblem.line(bytes) ?? "an empty body")")
        }
        return parsed
    }

    private func read(
        _ path: String, query: [(String, String)], base: String? = nil, tls: TLSConfiguration? = nil
    ) async throws(AcubeError) -> [UInt8] {
        let url = base.map { $0 + Self.queryString(query) } ?? apiURL(path, query: query)
        let what = "GET \(path)"
        switch await perform(.GET, url, body: nil, authorized: true, retry: .read, tls: tls) {
        case .loginFailed(let error):
            throw error
        case .transport(let error, let retries):
            let setting = tls == nil ? "acube.base_url" : "acube.mtls_base_url, the PEM's certificate"
            throw failure(
                .unreachable,
                "cannot reach A-Cube at \(Self.host(of: url)) for \(what): \(Self.describe(error))"
                    + "\(Self.after(retries)): check \(setting) and the network")
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
                        + Self.hint(status: reply.status, path: path))
            }
        }
    }

    // MARK: - Writes

    /// Sends an emergency report (the EmergencyReportInput JSON): a supplier to
    /// `POST /mf2/{prefix}/{serial}/upload-emergency-report`, a merchant to
    /// `POST /mf1/{prefix}/{serial}/emergency-report` (`settings.role`). Never resent after it may have reached
    /// A-Cube: only a 429 is retried.
    public func submitEmergencyReport(pem: String, body: [UInt8]) async -> AcubeWriteOutcome {
        let path =
            switch settings.role {
            case .supplier: "/mf2/\(pemSegment(pem))/upload-emergency-report"
            case .merchant: "/mf1/\(pemSegment(pem))/emergency-report"
            }
        return await write(path, body: body, retry: .notProcessedOnly)
    }

    /// Tells A-Cube the PEM lost it at `timestamp` (RFC 3339 with offset):
    /// `POST /mf1/{prefix}/{serial}/communicate-offline {"timestamp","reason"}`. A 409 (A-Cube already holds a
    /// period that conflicts) is `.conflict`: already notified.
    public func communicateOffline(pem: String, timestamp: String, reason: String) async -> AcubeWriteOutcome {
        let body = "{\"timestamp\":" + JSONText.quoted(timestamp) + ",\"reason\":" + JSONText.quoted(reason) + "}"
        return await write(
            "/mf1/\(pemSegment(pem))/communicate-offline", body: Array(body.utf8), retry: .repeatable)
    }

    /// Closes the PEM's open journal: `POST /mf1/{prefix}/{serial}/close`, no body. A 409 (no open journal) is
    /// `.conflict`, which is not an error for Quadra.
    public func closeJournal(pem: String) async -> AcubeWriteOutcome {
        await write("/mf1/\(pemSegment(pem))/close", body: nil, retry: .repeatable)
    }

    private func write(_ path: String, body: [UInt8]?, retry: RetryMode) async -> AcubeWriteOutcome {
        let url = apiURL(path, query: [])
        let what = "POST \(path)"
        switch await perform(.POST, url, body: body ?? [], authorized: true, retry: retry, tls: nil) {
        case .loginFailed(let error):
            return .notSent(reason: error.message)
        case .transport(let error, let retries) where Self.isConnectFailure(error):
            return .notSent(
                reason: redact(
                    "cannot reach A-Cube at \(Self.host(of: url)) for \(what): \(Self.describe(error))"
                        + "\(Self.after(retries)): check acube.base_url and the network"))
        case .transport(let error, _):
            return .unknown(
                reason: redact("\(what): \(Self.describe(error)); it may or may not have reached A-Cube"))
        case .reply(let reply, let retries):
            let detail = redact(AcubeProblem.detail(status: reply.status, body: reply.body))
            switch reply.status {
            case 200..<300:
                let object = (try? JSONParser.parse(reply.body))?.objectValue
                return .accepted(id: Self.text(object?["id"]), closedAt: Self.text(object?["closed_at"]))
            case 401:
                return .notSent(reason: refusedAfterLogin(what: what, detail: detail).message)
            case 409:
                return .conflict(detail: detail)
            case 429:
                return .notSent(
                    reason: "\(what): A-Cube still answered \(AcubeProblem.statusText(reply.status))"
                        + "\(Self.after(retries)): \(detail); try again later")
            case 400..<500:
                return .rejected(status: reply.status, detail: detail)
            default:
                return .unknown(
                    reason: "\(what): A-Cube answered \(AcubeProblem.statusText(reply.status))"
                        + "\(Self.after(retries)): \(detail); it may or may not have landed")
            }
        }
    }

    // MARK: - The retry loop

    /// Which answers a call is tried again after.
    private enum RetryMode {
        /// Reads and the login: 429, any 5xx, timeouts and dropped connections.
        case read
        /// Calls A-Cube answers 409 when repeated (offline communication, journal close): 429 and 503.
        case repeatable
        /// An emergency report: only 429, which A-Cube answers before processing anything.
        case notProcessedOnly
    }

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

    /// Sends a request, logging in first when `authorized`, logging in again once on a 401, and retrying what
    /// `retry` allows up to `maximumRetries`. Every attempt first waits out the back-off shared by all calls.
    private func perform(
        _ method: HTTPMethod, _ url: String, body: [UInt8]?, authorized: Bool, retry: RetryMode,
        tls: TLSConfiguration?
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
            await gate.wait()
            let reply: Reply
            do {
                reply = try await exchange(method, url, body: body, token: token, tls: tls)
            } catch {
                // A write is never resent after a transport failure. A connection that could not be made is not
                // retried here either: AsyncHTTPClient already retries connecting, with backoff, until its connect
                // timeout.
                guard retry == .read, !Self.isConnectFailure(error), retries < retryPolicy.maximumRetries,
                    !Task.isCancelled
                else {
                    return .transport(error, retries: retries)
                }
                retries += 1
                let delay = retryPolicy.delay(beforeRetry: retries, cause: .transport)
                if delay > .zero { try? await Task.sleep(for: delay) }
                continue
            }
            if reply.status == 401, let token, !loggedInAgain {
                loggedInAgain = true
                session.forget(token)
                continue
            }
            let retryAfter = reply.headers.first(name: "Retry-After")
            let cause: AcubeRetryPolicy.Cause?
            switch (reply.status, retry) {
            case (429, _): cause = .tooManyRequests(retryAfter: retryAfter)
            case (503, .read), (503, .repeatable): cause = .unavailable(retryAfter: retryAfter)
            case (500..<600, .read): cause = .unavailable(retryAfter: retryAfter)
            default: cause = nil
            }
            guard let cause, retries < retryPolicy.maximumRetries, !Task.isCancelled else {
                return .reply(reply, retries: retries)
            }
            retries += 1
            // Every call waits this out, not just this one: A-Cube asked the client to slow down.
            gate.pause(for: retryPolicy.delay(beforeRetry: retries, cause: cause))
        }
    }

    private func exchange(
        _ method: HTTPMethod, _ url: String, body: [UInt8]?, token: String?, tls: TLSConfiguration?
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.tlsConfiguration = tls
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Quadra")
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body {
            if !body.isEmpty { request.headers.add(name: "Content-Type", value: "application/json") }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let client = tls == nil ? http : mutualTLSHTTP
        let timeout = self.timeout
        let sending = request
        // The timeout bounds the whole exchange, head and body: not just the wait for the head.
        return try await WholeRequestDeadline.run(timeout) {
            let response = try await client.execute(sending, timeout: timeout)
            let collected = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return Reply(
                status: Int(response.status.code), headers: response.headers,
                body: Array(collected.readableBytesView))
        }
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

    private static func hint(status: Int, path: String) -> String {
        switch status {
        case 404: "; check acube.base_url, acube.path_prefix (pems or point-of-sales) and the PEM serial number"
        case 403 where path.hasPrefix("/mf2/"):
            "; MF2 serves suppliers only: check acube.role and that the account may use this PEM"
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
        Self.trimmed(settings.baseURL) + path + Self.queryString(query)
    }

    /// `?a=1&b=2` with names and values percent-encoded (`[`, `]` and `+` too); empty for no parameters.
    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { encoded($0.0) + "=" + encoded($0.1) }.joined(separator: "&")
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

/// The token of the current login, the login in progress (shared by concurrent callers), and every token issued
/// so far (to keep them out of messages).
final class AcubeSession: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String?
    private var pending: Task<String, any Error>?
    private var tokens: [String] = []

    var token: String? { lock.withLock { current } }

    var issued: [String] { lock.withLock { tokens } }

    func remember(_ token: String) {
        lock.withLock { if !tokens.contains(token) { tokens.append(token) } }
    }

    /// The login in progress, or a new one made by `start`.
    func login(_ start: () -> Task<String, any Error>) -> Task<String, any Error> {
        lock.withLock {
            if let pending { return pending }
            let task = start()
            pending = task
            return task
        }
    }

    /// Keeps the token `login` gave, and ends that login.
    func store(_ token: String, from login: Task<String, any Error>) {
        lock.withLock {
            current = token
            if pending == login { pending = nil }
        }
    }

    /// Ends a login that failed, so the next call tries again.
    func forgetLogin(_ login: Task<String, any Error>) {
        lock.withLock { if pending == login { pending = nil } }
    }

    /// Drops `stale` after a 401, unless another call already replaced it.
    func forget(_ stale: String) {
        lock.withLock { if current == stale { current = nil } }
    }
}
