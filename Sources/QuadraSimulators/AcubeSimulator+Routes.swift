import Foundation
import NIOConcurrencyHelpers
import QuadraCore

extension AcubeSimulator {
    /// The routes the simulator serves; `pem` is the serial from the path, percent-decoded.
    enum Route: Sendable, Hashable {
        case login
        case notifications
        case receipts(pem: String)
        case journals(merchant: String)
        case emergencyReports(pem: String)
        case emergencyReport(pem: String, id: String)
        case upload(pem: String, path: UploadPath)
        case communicateOffline(pem: String)
        case close(pem: String)

        /// The one method the route takes.
        var method: String {
            switch self {
            case .notifications, .receipts, .journals, .emergencyReports, .emergencyReport: "GET"
            case .login, .upload, .communicateOffline, .close: "POST"
            }
        }

        /// The PEM a PEM route names; nil for the others.
        var pem: String? {
            switch self {
            case .login, .notifications, .journals: nil
            case .receipts(let pem), .emergencyReports(let pem), .emergencyReport(let pem, _), .upload(let pem, _),
                .communicateOffline(let pem), .close(let pem):
                pem
            }
        }

        /// Whether it is an MF2 route, which serves suppliers only.
        var isMF2: Bool {
            switch self {
            case .journals, .emergencyReports, .emergencyReport, .upload(_, .mf2): true
            default: false
            }
        }

        /// The route of `path` (empty segments ignored), with the PEM routes under `prefix`; nil when none is.
        static func match(path: String, prefix: String) -> Route? {
            let segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
            switch segments.count {
            case 1 where segments[0] == "login":
                return .login
            case 2 where segments == ["mf1", "notifications"]:
                return .notifications
            case 4 where segments[0] == "mf2" && segments[1] == "merchants" && segments[3] == "journals":
                return .journals(merchant: segments[2])
            case 4 where segments[1] == prefix:
                let pem = segments[2]
                switch (segments[0], segments[3]) {
                case ("mf1", "receipts"): return .receipts(pem: pem)
                case ("mf1", "emergency-report"): return .upload(pem: pem, path: .mf1)
                case ("mf1", "communicate-offline"): return .communicateOffline(pem: pem)
                case ("mf1", "close"): return .close(pem: pem)
                case ("mf2", "emergency-reports"): return .emergencyReports(pem: pem)
                case ("mf2", "upload-emergency-report"): return .upload(pem: pem, path: .mf2)
                default: return nil
                }
            case 5 where segments[0] == "mf2" && segments[1] == prefix && segments[3] == "emergency-reports":
                return .emergencyReport(pem: segments[2], id: segments[4])
            default:
                return nil
            }
        }
    }

    /// Handles one request whole under the lock and records it with the status answered.
    static func answer(
        _ request: LoopbackHTTPRequest, configuration: Configuration, state: NIOLockedValueBox<State>
    ) -> LoopbackHTTPAction {
        let route = Route.match(path: request.path, prefix: configuration.pathPrefix)
        return state.withLockedValue { state in
            let action = handle(request, route: route, configuration: configuration, state: &state)
            state.requests.append(AcubeRequestRecord(request, redactingLogin: route == .login, action: action))
            return action
        }
    }

    // MARK: - Dispatch

    static func handle(
        _ request: LoopbackHTTPRequest, route: Route?, configuration: Configuration, state: inout State
    ) -> LoopbackHTTPAction {
        let instance = request.path
        if route != .login {
            if state.unavailable.times > 0 {
                state.unavailable.times -= 1
                return AcubeResponseBody.problem(
                    503, "The service is temporarily unavailable (simulated); retry after the given delay.",
                    instance: instance, headers: ["Retry-After": String(state.unavailable.retryAfterSeconds)])
            }
            if state.tooManyRequests > 0 {
                state.tooManyRequests -= 1
                return AcubeResponseBody.problem(429, "Too many requests (simulated); slow down.", instance: instance)
            }
        }
        guard let route else {
            return AcubeResponseBody.problem(
                404, "No route found for \(request.method) \(instance).", instance: instance)
        }
        // The mutual-TLS host serves notifications only; the API host never serves them.
        if request.isTLS, route != .notifications {
            return AcubeResponseBody.problem(
                404, "The mutual-TLS host serves /mf1/notifications only.", instance: instance)
        }
        guard request.method == route.method else {
            return AcubeResponseBody.problem(
                405, "\(instance) takes \(route.method) only, not \(request.method).", instance: instance,
                headers: ["Allow": route.method])
        }
        if route == .notifications, !request.isTLS {
            return AcubeResponseBody.problem(
                403,
                "Notifications are served only over mutual TLS (port 444) with the cash register's client "
                    + "certificate.", instance: instance)
        }
        if route != .login, let refusal = authorize(request, state: &state) {
            return refusal
        }
        if route.isMF2, configuration.role == .merchant {
            return AcubeResponseBody.problem(
                403, "Access denied: MF2 is for suppliers; this account is a merchant.", instance: instance)
        }
        if let pem = route.pem, state.pems[pem] == nil {
            return AcubeResponseBody.problem(404, "No PEM with serial number \(pem) is known.", instance: instance)
        }
        switch route {
        case .login:
            return login(request, configuration: configuration, state: &state)
        case .notifications:
            return notifications(request, state: state)
        case .receipts(let pem):
            return receipts(request, pem: pem, configuration: configuration, state: state)
        case .journals(let merchant):
            return journals(request, merchant: merchant, configuration: configuration, state: state)
        case .emergencyReports(let pem):
            return emergencyReports(request, pem: pem, state: state)
        case .emergencyReport(let pem, let id):
            guard let report = state.pems[pem]?.reports.first(where: { String($0.id) == id }) else {
                return AcubeResponseBody.problem(404, "Not Found", instance: instance)
            }
            return AcubeResponseBody.json(200, reportJSON(report))
        case .upload(let pem, let path):
            return upload(request, pem: pem, path: path, configuration: configuration, state: &state)
        case .communicateOffline(let pem):
            return communicateOffline(request, pem: pem, state: &state)
        case .close(let pem):
            guard state.pems[pem]?.closeOpenJournals() == true else {
                return AcubeResponseBody.problem(409, "The PEM \(pem) has no open journal.", instance: instance)
            }
            state.pems[pem]?.journalCloses += 1
            return AcubeResponseBody.json(202, "{}")
        }
    }

    // MARK: - Auth

    /// `POST /login`: a new token for the right credentials. The password is never echoed.
    static func login(
        _ request: LoopbackHTTPRequest, configuration: Configuration, state: inout State
    ) -> LoopbackHTTPAction {
        guard let body = try? JSONParser.parse(request.body), let object = body.objectValue else {
            return AcubeResponseBody.loginError(400, "Invalid JSON.")
        }
        guard let email = object["email"]?.stringValue, let password = object["password"]?.stringValue else {
            return AcubeResponseBody.loginError(400, "The keys \"email\" and \"password\" must be provided.")
        }
        guard email == configuration.email, password == configuration.password else {
            return AcubeResponseBody.loginError(401, "Invalid credentials.")
        }
        state.logins += 1
        let token = state.issueToken(email: email, now: configuration.now())
        return AcubeResponseBody.json(200, AcubeJSON.object([("token", AcubeJSON.string(token))]))
    }

    /// Checks the bearer token and counts the call towards `expireTokens(afterCalls:)`; nil when the call may go
    /// on, else the 401 to answer.
    static func authorize(_ request: LoopbackHTTPRequest, state: inout State) -> LoopbackHTTPAction? {
        let unauthorized = { (detail: String) in
            AcubeResponseBody.problem(
                401, detail, instance: request.path, headers: ["WWW-Authenticate": #"Bearer realm="acube""#])
        }
        guard let field = request.header("Authorization") else {
            return unauthorized("JWT Token not found")
        }
        let parts = field.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return unauthorized("JWT Token not found")
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard state.tokens[token] != nil else {
            return unauthorized("Invalid JWT Token")
        }
        guard state.isValid(token), !state.refuseTokens else {
            return unauthorized("Expired JWT Token")
        }
        if let remaining = state.tokenCallsBeforeExpiry {
            guard remaining > 0 else {
                state.firstValidToken = state.tokensIssued + 1
                state.tokenCallsBeforeExpiry = nil
                return unauthorized("Expired JWT Token")
            }
            state.tokenCallsBeforeExpiry = remaining - 1
        }
        return nil
    }

    // MARK: - Lists

    static func listPage(_ request: LoopbackHTTPRequest, members: [String], withPages: Bool) -> LoopbackHTTPAction {
        switch AcubePageRequest.read(request) {
        case .success(let page):
            return AcubeResponseBody.page(members, page, withPages: withPages)
        case .failure(let error):
            return AcubeResponseBody.problem(400, error.message, instance: request.path)
        }
    }

    /// Notifications of the PEM whose verified client certificate made the request (its subject CN is the serial);
    /// a serial in the query is ignored.
    static func notifications(_ request: LoopbackHTTPRequest, state: State) -> LoopbackHTTPAction {
        guard let pem = request.clientCommonName, let known = state.pems[pem] else {
            return AcubeResponseBody.problem(
                403,
                "The client certificate (CN=\(request.clientCommonName ?? "none")) belongs to no cash register A-Cube "
                    + "knows.", instance: request.path)
        }
        return listPage(request, members: known.notifications.map(\.rendered), withPages: true)
    }

    /// The PEM's receipts of one status within the `document_datetime` bounds, a page of them.
    static func receipts(
        _ request: LoopbackHTTPRequest, pem: String, configuration: Configuration, state: State
    ) -> LoopbackHTTPAction {
        var status = AcubeSeedReceipt.Status.sent
        if let text = request.queryValue("status") {
            guard let value = AcubeSeedReceipt.Status(rawValue: text) else {
                return AcubeResponseBody.mf1Invalid(
                    [
                        AcubeViolation(
                            path: [.key("status")], message: "Input should be 'ready' or 'sent'", type: "enum",
                            location: "query")
                    ])
            }
            status = value
        }
        var bounds: [(name: String, instant: Instant)] = []
        for name in ["after", "strictly_after", "before", "strictly_before"] {
            let key = "document_datetime[\(name)]"
            guard let text = request.queryValue(key) else { continue }
            guard let parsed = TimestampParser.parse(text) else {
                return AcubeResponseBody.mf1Invalid(
                    [
                        AcubeViolation(
                            path: [.key(key)], message: "Input should be a valid datetime, found \"\(text)\"",
                            type: "datetime_parsing", location: "query")
                    ])
            }
            bounds.append((name, configuration.timeZone.instant(of: parsed)))
        }
        // The spec's default for [before] is a time fixed when the server started.
        if !bounds.contains(where: { $0.name == "before" }) {
            bounds.append(("before", Instant(date: configuration.startedAt)))
        }
        let members = (state.pems[pem]?.receipts ?? []).filter { receipt in
            guard receipt.status == status else { return false }
            guard let text = receipt.member.string("document_datetime"), let parsed = TimestampParser.parse(text)
            else { return true }
            let at = configuration.timeZone.instant(of: parsed)
            return bounds.allSatisfy { bound in
                switch bound.name {
                case "after": at >= bound.instant
                case "strictly_after": at > bound.instant
                case "before": at <= bound.instant
                default: at < bound.instant
                }
            }
        }
        return listPage(request, members: members.map(\.member.rendered), withPages: false)
    }

    /// Journals of the merchant's PEMs (or of `pem_serial_number`'s), with `date` between `date_from` and
    /// `date_to` inclusive when given; a journal without a readable `date` is left out by a date filter.
    static func journals(
        _ request: LoopbackHTTPRequest, merchant: String, configuration: Configuration, state: State
    ) -> LoopbackHTTPAction {
        guard merchant.lowercased() == configuration.merchantUUID.lowercased() else {
            return AcubeResponseBody.problem(404, "No merchant with uuid \(merchant) is known.", instance: request.path)
        }
        var bounds: [String: String] = [:]
        for key in ["date_from", "date_to"] {
            guard let text = request.queryValue(key) else { continue }
            guard isDay(text) else {
                return AcubeResponseBody.problem(
                    400, "\(key) must be a date YYYY-MM-DD, found \"\(text)\"", instance: request.path)
            }
            bounds[key] = text
        }
        let pems = request.queryValue("pem_serial_number").map { [$0] } ?? state.pemOrder
        let members = pems.flatMap { pem in
            (state.pems[pem]?.journals ?? []).filter { journal in
                if bounds.isEmpty { return true }
                guard let date = journal.string("date"), isDay(date) else { return false }
                if let from = bounds["date_from"], date < from { return false }
                if let to = bounds["date_to"], date > to { return false }
                return true
            }
        }
        return listPage(request, members: members.map(\.rendered), withPages: false)
    }

    /// The reports A-Cube holds for `pem`, a page of them as a plain JSON array of `{"id","closed_at"}`
    /// (`page` from 1, `itemsPerPage` 30 unless told, at most 100).
    static func emergencyReports(_ request: LoopbackHTTPRequest, pem: String, state: State) -> LoopbackHTTPAction {
        var page = 1
        var size = 30
        if let text = request.queryValue("page") {
            guard let value = Int(text), value >= 1 else {
                return AcubeResponseBody.problem(
                    400, "page must be a positive integer, found \"\(text)\"", instance: request.path)
            }
            page = value
        }
        if let text = request.queryValue("itemsPerPage") {
            guard let value = Int(text), value >= 0 else {
                return AcubeResponseBody.problem(
                    400, "itemsPerPage must be an integer of 0 or more, found \"\(text)\"", instance: request.path)
            }
            size = min(value, 100)
        }
        let reports = state.pems[pem]?.reports ?? []
        let skipped = (page - 1).multipliedReportingOverflow(by: size)
        let start = skipped.overflow ? reports.count : min(reports.count, skipped.partialValue)
        let end = min(reports.count, start + size)
        return AcubeResponseBody.json(200, AcubeJSON.array(reports[start..<end].map(reportJSON)))
    }

    /// `{"id","closed_at"}`: all A-Cube says of a report.
    static func reportJSON(_ report: HeldReport) -> String {
        AcubeJSON.object([("id", String(report.id)), ("closed_at", AcubeJSON.string(report.closedAt))])
    }

    /// `YYYY-MM-DD` naming a real calendar date.
    static func isDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) }),
            let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)),
            let day = Int(text.suffix(2))
        else { return false }
        return FiscalDay(year: year, month: month, day: day).isValid
    }

    // MARK: - Changes

    /// An emergency report upload through MF1 or MF2: the switches, then JSON, then A-Cube's schema, then the
    /// simulator's own checks, then store.
    static func upload(
        _ request: LoopbackHTTPRequest, pem: String, path: UploadPath, configuration: Configuration,
        state: inout State
    ) -> LoopbackHTTPAction {
        let invalid = { (violations: [AcubeViolation]) in
            switch path {
            case .mf1: AcubeResponseBody.mf1Invalid(violations)
            case .mf2: AcubeResponseBody.mf2Invalid(violations, instance: request.path)
            }
        }
        if let unsupported = unsupportedMediaType(request) {
            return unsupported
        }
        if state.rejections.times > 0 {
            state.rejections.times -= 1
            return invalid(state.rejections.violations)
        }
        if state.failsBeforeCommit.times > 0 {
            state.failsBeforeCommit.times -= 1
            return AcubeResponseBody.problem(
                state.failsBeforeCommit.status, "The service is temporarily unavailable (simulated).",
                instance: request.path)
        }
        let value: JSONValue
        switch parseBody(request) {
        case .success(let parsed):
            value = parsed
        case .failure(let violation):
            // MF2 (API Platform) answers a body that is not JSON 400; MF1 (FastAPI) answers it 422 json_invalid.
            if path == .mf2 {
                return AcubeResponseBody.problem(400, "Syntax error: \(violation.message)", instance: request.path)
            }
            return invalid([violation])
        }
        let schema = AcubeRequestSchemas.shared.violations(of: value, for: .uploadEmergencyReport)
        guard schema.isEmpty else { return invalid(schema) }
        guard let object = value.objectValue else { return invalid([]) }
        let violations = AcubeBodyValidator.emergencyReport(object)
        guard violations.isEmpty, let datetime = object["datetime"]?.stringValue else {
            return invalid(violations)
        }
        let id = state.nextReportId()
        let closedAt = Instant(date: configuration.now()).utcString
        let posted = PostedReport(
            id: id, closedAt: closedAt, datetime: datetime, body: String(decoding: request.body, as: UTF8.self),
            path: path)
        state.pems[pem]?.reports.append(HeldReport(id: id, closedAt: closedAt, posted: posted))
        if state.drops > 0 {
            state.drops -= 1
            return .reset
        }
        if state.failsAfterCommit.times > 0 {
            state.failsAfterCommit.times -= 1
            return AcubeResponseBody.problem(
                state.failsAfterCommit.status, "The upstream server did not answer in time (simulated).",
                instance: request.path)
        }
        return AcubeResponseBody.json(
            202, AcubeJSON.object([("id", String(id)), ("closed_at", AcubeJSON.string(closedAt))]))
    }

    /// `POST …/communicate-offline`: the refusal switch, then A-Cube's schema, then a conflict with a period held,
    /// then store.
    static func communicateOffline(_ request: LoopbackHTTPRequest, pem: String, state: inout State)
        -> LoopbackHTTPAction
    {
        if let unsupported = unsupportedMediaType(request) {
            return unsupported
        }
        if state.refusals.times > 0 {
            state.refusals.times -= 1
            let (status, detail) = (state.refusals.status, state.refusals.detail)
            if status == 422 {
                return AcubeResponseBody.mf1Invalid([AcubeViolation(path: [], message: detail)])
            }
            return AcubeResponseBody.problem(status, detail, instance: request.path)
        }
        let value: JSONValue
        switch parseBody(request) {
        case .success(let parsed): value = parsed
        case .failure(let violation): return AcubeResponseBody.mf1Invalid([violation])
        }
        let schema = AcubeRequestSchemas.shared.violations(of: value, for: .communicateOffline)
        guard schema.isEmpty, let object = value.objectValue else { return AcubeResponseBody.mf1Invalid(schema) }
        let violations = AcubeBodyValidator.communicateOffline(object)
        guard violations.isEmpty, let timestamp = object["timestamp"]?.stringValue,
            let instant = TimestampParser.parseAbsolute(timestamp), let reason = object["reason"]?.stringValue
        else {
            return AcubeResponseBody.mf1Invalid(violations)
        }
        guard state.pems[pem]?.offlineInstants.insert(instant.millis).inserted == true else {
            return AcubeResponseBody.problem(
                409, "An offline period of \(pem) starting at \(timestamp) is already held.", instance: request.path)
        }
        state.pems[pem]?.offlinePeriods.append(PostedOfflinePeriod(timestamp: timestamp, reason: reason))
        return AcubeResponseBody.json(202, "{}")
    }

    /// 415 for a body declared as anything but JSON (A-Cube also takes XML uploads; the simulator does not).
    static func unsupportedMediaType(_ request: LoopbackHTTPRequest) -> LoopbackHTTPAction? {
        guard let type = request.header("Content-Type"), !type.lowercased().contains("json") else { return nil }
        return AcubeResponseBody.problem(
            415, "The simulator takes JSON bodies only (Content-Type application/json), not \(type).",
            instance: request.path)
    }

    /// The body as JSON, or the violation to answer when it is not JSON at all (`json_invalid`).
    static func parseBody(_ request: LoopbackHTTPRequest) -> Result<JSONValue, AcubeViolation> {
        do {
            return .success(try JSONParser.parse(request.body))
        } catch {
            return .failure(
                AcubeViolation(path: [], message: "JSON decode error: \(error.description)", type: "json_invalid"))
        }
    }
}

extension AcubeRequestRecord {
    /// The record of `request` answered with `action`; a login body keeps every key but its password.
    init(_ request: LoopbackHTTPRequest, redactingLogin: Bool, action: LoopbackHTTPAction) {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.lowercased()
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let status: Int? =
            switch action {
            case .respond(let response), .truncate(let response), .trickle(let response, _): response.status
            case .reset: nil
            }
        var body = String(decoding: request.body, as: UTF8.self)
        if redactingLogin {
            if let value = try? JSONParser.parse(request.body), case .object(var object) = value {
                for index in object.members.indices where object.members[index].key == "password" {
                    object.members[index].value = .string("***")
                }
                body = AcubeJSON.render(.object(object))
            } else {
                body = "***"
            }
        }
        self.init(
            method: request.method, path: request.path, query: request.query, headers: headers, body: body,
            status: status, receivedAt: request.receivedAt, connection: request.connection)
    }
}
