import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraServices
import QuadraSimulators
import Testing

/// The A-Cube client and fetcher against a real `AcubeSimulator` on 127.0.0.1 (and, for the secrets, a hostile
/// server that echoes everything it is sent). Waits are shortened by the retry policy; no test asserts time.
@Suite struct AcubeClientTests {
    static let email = "ops@example.com"
    static let password = "pa55-Sekr3t!Quadra"
    static let merchant = "3f2a9c4e-0000-4000-8000-000000000001"
    static let pem = "E001-000001"
    static let day = FiscalDay(year: 2026, month: 11, day: 21)

    /// The sample night the README and `quadra demo` use.
    static let sampleNight = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/night-2026-11-21")

    /// A valid EmergencyReportInput.
    static let reportBody = Array(
        """
        {"datetime":"2026-11-21T20:40:00+01:00","documents_count":1,"cash_payment_amount":"10.00",\
        "electronic_payment_amount":"0.00","ticket_restaurant_payment_amount":"0.00",\
        "ticket_restaurant_quantity":null,"entries":[{"vat_rate_code":"22.00","vat_amount":"1.80",\
        "simplified_vat_allocation":false,"partial_amount":"8.20","ateco_code":null}]}
        """.utf8)

    // MARK: - Helpers

    static func settings(
        baseURL: String, role: Configuration.AcubeSettings.Role = .supplier, pageSize: Int64 = 6,
        merchant: String? = merchant
    ) -> Configuration.AcubeSettings {
        var settings = Configuration.AcubeSettings()
        settings.role = role
        settings.baseURL = baseURL
        settings.authURL = baseURL
        settings.merchantUUID = merchant
        settings.pems = [pem]
        settings.pageSize = pageSize
        settings.requestTimeoutSeconds = 5
        return settings
    }

    /// Short waits: 503 without `Retry-After` 20 ms, backoff from 10 ms, no wait over 2 s.
    static func policy(retries: Int = 3) -> AcubeRetryPolicy {
        AcubeRetryPolicy(
            maximumRetries: retries, maximumDelay: .seconds(2), defaultRetryAfter: .milliseconds(20),
            initialBackoff: .milliseconds(10))
    }

    /// Runs `body` with a simulator seeded from the sample night and a client pointed at it; shuts both down.
    static func withAcube<T>(
        role: Configuration.AcubeSettings.Role = .supplier, pageSize: Int64 = 6, password: String = password,
        merchant: String? = merchant, retries: Int = 3,
        _ body: (AcubeSimulator, AcubeClient) async throws -> T
    ) async throws -> T {
        let simulator = AcubeSimulator(email: email, password: Self.password, merchantUUID: Self.merchant)
        try simulator.seed(fromNight: sampleNight)
        try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = AcubeClient(
            http: http,
            settings: settings(baseURL: simulator.baseURL, role: role, pageSize: pageSize, merchant: merchant),
            credentials: AcubeCredentials(email: email, password: password), retryPolicy: policy(retries: retries))
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

    /// The members of `pages` read back with the night reader's own A-Cube reader.
    static func readBack(_ pages: [[UInt8]], kind: InputKind) -> (data: AcubeData, diagnostics: [Diagnostic]) {
        var data = AcubeData(pem: pem)
        var diagnostics: [Diagnostic] = []
        for (index, bytes) in pages.enumerated() {
            diagnostics +=
                AcubeExportReader.read(
                    bytes, kind: kind, displayPath: "page-\(index + 1).json", timeZone: .rome, into: &data
                ).diagnostics
        }
        return (data, diagnostics)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-acube-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: - Login and reads

    @Test func logsInOnceAndReadsAPageWithTheBearerToken() async throws {
        try await Self.withAcube { simulator, client in
            let first = try await client.receiptsPage(pem: Self.pem, page: 1)
            _ = try await client.notificationsPage(pem: Self.pem, page: 1)
            #expect(first.memberCount == 6)
            #expect(first.total == 11)
            #expect(first.hasMore)
            #expect(simulator.logins == 1)
            let requests = simulator.requests
            #expect(requests.map(\.path) == ["/login", "/mf1/pems/E001-000001/receipts", "/mf1/notifications"])
            #expect(requests[1].query == "page=1&size=6")
            #expect(requests[2].queryValue("pem_serial_number") == Self.pem)
            let authorization = try #require(requests[1].headers["authorization"])
            #expect(authorization.hasPrefix("Bearer ") && authorization.count > 20)
            #expect(requests[2].headers["authorization"] == authorization)
        }
    }

    @Test func anExpiredTokenLogsInAgainExactlyOnce() async throws {
        try await Self.withAcube { simulator, client in
            try await client.authenticate()
            simulator.expireTokens(afterCalls: 0)
            let page = try await client.receiptsPage(pem: Self.pem, page: 2)
            #expect(page.memberCount == 5)
            #expect(!page.hasMore)
            #expect(simulator.logins == 2)
            let calls = simulator.requests.map { "\($0.method) \($0.path) \($0.status.map(String.init) ?? "-")" }
            #expect(
                calls == [
                    "POST /login 200", "GET /mf1/pems/E001-000001/receipts 401", "POST /login 200",
                    "GET /mf1/pems/E001-000001/receipts 200",
                ])
        }
    }

    @Test func refusedCredentialsAreAnErrorWithoutThePassword() async throws {
        try await Self.withAcube(password: "wrong-Passw0rd-xyz") { simulator, client in
            let error = try await #require(throws: AcubeError.self) {
                _ = try await client.receiptsPage(pem: Self.pem, page: 1)
            }
            #expect(error.kind == .credentialsRefused)
            #expect(error.message.contains("A-Cube refused the credentials of ops@example.com"))
            #expect(error.message.contains("401 Unauthorized: Invalid credentials."))
            #expect(error.message.contains("QUADRA_ACUBE_PASSWORD"))
            #expect(!error.message.contains("wrong-Passw0rd-xyz"))
            #expect(!"\(error)".contains("wrong-Passw0rd-xyz"))
            // A refused login is not retried, and nothing else is asked.
            #expect(simulator.requests.map(\.path) == ["/login"])
        }
    }

    @Test func a503WithRetryAfterIsWaitedOutThenTheReadSucceeds() async throws {
        try await Self.withAcube { simulator, client in
            try await client.authenticate()
            simulator.respond503(times: 1, retryAfterSeconds: 1)
            let page = try await client.receiptsPage(pem: Self.pem, page: 1)
            #expect(page.memberCount == 6)
            #expect(simulator.requests.compactMap(\.status) == [200, 503, 200])
        }
    }

    @Test func a503ThatOutlastsTheRetriesIsAnUnavailableError() async throws {
        try await Self.withAcube(retries: 2) { simulator, client in
            simulator.respond503(times: 10, retryAfterSeconds: 0)
            let error = try await #require(throws: AcubeError.self) {
                _ = try await client.notificationsPage(pem: Self.pem, page: 1)
            }
            #expect(error.kind == .unavailable(status: 503))
            #expect(error.message.contains("503 Service Unavailable (after 2 retries)"))
            #expect(simulator.requests.filter { $0.status == 503 }.count == 3)
        }
    }

    @Test func a429IsBackedOffThenTheReadSucceeds() async throws {
        try await Self.withAcube { simulator, client in
            simulator.respond429(times: 2)
            let reports = try await client.emergencyReports(pem: Self.pem)
            #expect(
                reports.reports == [
                    .init(id: "9c000000-0000-4000-8000-000000001120", datetime: "2026-11-20T20:40:00+01:00")
                ])
            #expect(simulator.requests.compactMap(\.status) == [200, 429, 429, 200])
        }
    }

    @Test func anUnknownPemIsAFinal404NamingWhatToCheck() async throws {
        try await Self.withAcube { simulator, client in
            let error = try await #require(throws: AcubeError.self) {
                _ = try await client.receiptsPage(pem: "E999-000999", page: 1)
            }
            #expect(error.kind == .refused(status: 404))
            #expect(error.message.contains("404 Not Found"))
            #expect(error.message.contains("acube.path_prefix"))
            #expect(simulator.requests.filter { $0.status == 404 }.count == 1)
        }
    }

    @Test func theSampleReceiptsComeInTwoPagesOfSixThatReadBackToTenReceipts() async throws {
        try await Self.withAcube(pageSize: 6) { _, client in
            let first = try await client.receiptsPage(pem: Self.pem, page: 1)
            let second = try await client.receiptsPage(pem: Self.pem, page: 2)
            #expect(first.hasMore && !second.hasMore)
            #expect(first.memberCount + second.memberCount == 11)
            let (data, diagnostics) = Self.readBack([first.bytes, second.bytes], kind: .acubeReceipts)
            #expect(diagnostics.isEmpty)
            #expect(data.receipts.count == 10)
            #expect(data.receipts["0b7e1c1a-0099-4000-8000-000000000099"]?.totalAmount == Money(cents: 750))
        }
    }

    @Test func journalsAreAskedForThePemAndTheDay() async throws {
        try await Self.withAcube { simulator, client in
            let page = try await client.journalsPage(pem: Self.pem, from: Self.day, to: Self.day, page: 1)
            let (data, diagnostics) = Self.readBack([page.bytes], kind: .acubeJournals)
            #expect(diagnostics.isEmpty)
            #expect(data.journals.map(\.date) == [Self.day])
            let request = try #require(simulator.requests.last)
            #expect(request.path == "/mf2/merchants/\(Self.merchant)/journals")
            #expect(request.queryValue("pem_serial_number") == Self.pem)
            #expect(request.queryValue("date_from") == "2026-11-21")
            #expect(request.queryValue("date_to") == "2026-11-21")
        }
    }

    // MARK: - Fetcher

    @Test func theFetchersFilesReadBackThroughTheNightReader() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let result = try await Self.withAcube(pageSize: 6) { _, client in
            try await AcubeFetcher(client: client).fetch(pems: [Self.pem, Self.pem], day: Self.day)
        }
        #expect(
            result.files.map(\.relativePath) == [
                "acube/E001-000001/receipts-1.json", "acube/E001-000001/receipts-2.json",
                "acube/E001-000001/journals-1.json", "acube/E001-000001/notifications-1.json",
                "acube/E001-000001/emergency-reports.json",
            ])
        #expect(result.warnings.isEmpty)
        #expect(result.fetchedKinds == [Self.pem: Set(AcubeFetcher.kinds)])
        for file in result.files {
            let url = night.appendingPathComponent(file.relativePath)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
        }
        let inputs = try NightReader(timeZone: .rome, registerXML: nil).read(directory: night)
        #expect(inputs.diagnostics.isEmpty)
        #expect(inputs.files.map(\.path) == result.files.map(\.relativePath).sorted())
        let data = try #require(inputs.acube[Self.pem])
        #expect(data.receipts.count == 10)
        #expect(data.journals.count == 1)
        #expect(data.notifications.count == 5)
        #expect(data.emergencyReports.map(\.id) == ["9c000000-0000-4000-8000-000000001120"])
    }

    @Test func withoutAMerchantUUIDTheFetcherSkipsJournalsWithAWarning() async throws {
        let result = try await Self.withAcube(pageSize: 100, merchant: nil) { simulator, client in
            let result = try await AcubeFetcher(client: client).fetch(pems: [Self.pem], day: Self.day)
            #expect(!simulator.requests.contains { $0.path.contains("journals") })
            return result
        }
        #expect(
            result.files.map(\.relativePath) == [
                "acube/E001-000001/receipts-1.json", "acube/E001-000001/notifications-1.json",
                "acube/E001-000001/emergency-reports.json",
            ])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("acube.merchant_uuid is not configured") == true)
        #expect(result.fetchedKinds[Self.pem]?.contains("journals") == false)
    }

    @Test func staleFilesAreOnlyTheUnwrittenPagesOfTheFetchedKinds() {
        let stale = AcubeFetcher.staleFiles(
            existing: [
                "receipts-1.json", "receipts-2.json", "receipts-3.json", "receipts.json", "journals-1.json",
                "notifications-1.json", "notes.txt", ".receipts-1.json.tmp-42", "emergency-reports.json",
            ],
            written: ["receipts-1.json", "receipts-2.json", "notifications-1.json", "emergency-reports.json"],
            fetchedKinds: ["receipts", "notifications", "emergency-reports"])
        #expect(stale == ["receipts-3.json", "receipts.json"])
        #expect(!AcubeFetcher.isSafeFolderName("../etc"))
        #expect(!AcubeFetcher.isSafeFolderName(""))
        #expect(AcubeFetcher.isSafeFolderName("E001-000001"))
    }

    // MARK: - Writes

    @Test func aSupplierSubmitsThroughMF2AndGetsAnId() async throws {
        try await Self.withAcube(role: .supplier) { simulator, client in
            let outcome = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody)
            let posted = try #require(simulator.postedEmergencyReports(pem: Self.pem).first)
            #expect(outcome == .accepted(id: posted.id, closedAt: posted.closedAt))
            #expect(posted.path == .mf2)
            #expect(posted.body == String(decoding: Self.reportBody, as: UTF8.self))
            let request = try #require(simulator.requests.last)
            #expect(request.path == "/mf2/pems/E001-000001/upload-emergency-report")
            #expect(request.headers["content-type"] == "application/json")
        }
    }

    @Test func aMerchantSubmitsThroughMF1() async throws {
        try await Self.withAcube(role: .merchant) { simulator, client in
            let outcome = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody)
            guard case .accepted(let id?, _) = outcome else {
                Issue.record("expected accepted with an id, got \(outcome)")
                return
            }
            #expect(simulator.postedEmergencyReports(pem: Self.pem).map(\.id) == [id])
            #expect(simulator.postedEmergencyReports(pem: Self.pem).first?.path == .mf1)
            #expect(simulator.requests.last?.path == "/mf1/pems/E001-000001/emergency-report")
            let listed = try await client.emergencyReports(pem: Self.pem)
            #expect(listed.reports.map(\.id).contains(id))
        }
    }

    @Test(arguments: [Configuration.AcubeSettings.Role.supplier, .merchant])
    func a422IsRejectedWithTheViolationsOnOneLine(role: Configuration.AcubeSettings.Role) async throws {
        try await Self.withAcube(role: role) { simulator, client in
            simulator.rejectNextUploads(
                1,
                violations: [
                    (propertyPath: "entries[0].vat_rate_code", message: "unknown rate"),
                    (propertyPath: "datetime", message: "must have an offset"),
                ])
            let outcome = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody)
            #expect(
                outcome
                    == .rejected(
                        status: 422, detail: "entries[0].vat_rate_code: unknown rate; datetime: must have an offset"))
            #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
            #expect(simulator.requests.filter { $0.method == "POST" && $0.path != "/login" }.count == 1)
        }
    }

    @Test func aDroppedConnectionAfterTheCommitIsUnknownAndNotResent() async throws {
        try await Self.withAcube { simulator, client in
            simulator.commitThenDropNextUploads(1)
            let outcome = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody)
            guard case .unknown(let reason) = outcome else {
                Issue.record("expected unknown, got \(outcome)")
                return
            }
            #expect(reason.contains("may or may not have reached A-Cube"))
            #expect(simulator.requests.filter { $0.path.hasSuffix("/upload-emergency-report") }.count == 1)
            // It did land: the list the caller asks for next shows it.
            let days = try await client.emergencyReportDays(pem: Self.pem, timeZone: .rome)
            #expect(days.contains(Self.day))
        }
    }

    @Test func anOfflinePeriodIsAcceptedOrRefusedWithAConflict() async throws {
        try await Self.withAcube { simulator, client in
            let accepted = await client.notifyOfflinePeriod(
                pem: Self.pem, start: "2026-11-21T17:00:00+01:00", end: "2026-11-21T18:30:00+01:00",
                reason: "A-Cube unreachable from the shop")
            #expect(accepted == .accepted(id: nil, closedAt: nil))
            #expect(
                simulator.offlinePeriods(pem: Self.pem) == [
                    .init(
                        start: "2026-11-21T17:00:00+01:00", end: "2026-11-21T18:30:00+01:00",
                        reason: "A-Cube unreachable from the shop")
                ])
            simulator.refuseOfflinePeriods(1, status: 409, detail: "overlapping offline period")
            let refused = await client.notifyOfflinePeriod(
                pem: Self.pem, start: "2026-11-21T17:30:00+01:00", end: "2026-11-21T18:00:00+01:00", reason: "again")
            guard case .conflict(let detail) = refused else {
                Issue.record("expected conflict, got \(refused)")
                return
            }
            #expect(detail.contains("overlapping offline period"))
            #expect(simulator.offlinePeriods(pem: Self.pem).count == 1)
        }
    }

    @Test func closingTheOpenJournalIsAcceptedThenAConflict() async throws {
        try await Self.withAcube { simulator, client in
            #expect(await client.closeJournal(pem: Self.pem) == .accepted(id: nil, closedAt: nil))
            let second = await client.closeJournal(pem: Self.pem)
            guard case .conflict(let detail) = second else {
                Issue.record("expected conflict, got \(second)")
                return
            }
            #expect(detail.contains("no open journal"))
            #expect(simulator.journalCloses(pem: Self.pem) == 1)
            #expect(simulator.requests.last?.path == "/mf1/pems/E001-000001/close")
        }
    }

    @Test func aWriteWithRefusedCredentialsIsNotSent() async throws {
        try await Self.withAcube(password: "not-the-Passw0rd") { simulator, client in
            let outcome = await client.closeJournal(pem: Self.pem)
            guard case .unknown(let reason) = outcome else {
                Issue.record("expected unknown, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("not sent: A-Cube refused the credentials"))
            #expect(!reason.contains("not-the-Passw0rd"))
            #expect(simulator.requests.map(\.path) == ["/login"])
        }
    }

    @Test func aWriteThatCannotConnectIsNotSentAndSaysSo() async throws {
        let simulator = AcubeSimulator(email: Self.email, password: Self.password, merchantUUID: Self.merchant)
        try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var settings = Self.settings(baseURL: "http://127.0.0.1:1")
        settings.authURL = simulator.baseURL
        settings.requestTimeoutSeconds = 1
        let client = AcubeClient(
            http: http, settings: settings, credentials: AcubeCredentials(email: Self.email, password: Self.password),
            retryPolicy: Self.policy(retries: 1))
        let outcome = await client.closeJournal(pem: Self.pem)
        try await http.shutdown()
        await simulator.shutdown()
        guard case .unknown(let reason) = outcome else {
            Issue.record("expected unknown, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("not sent: cannot reach A-Cube at 127.0.0.1:1 for POST /mf1/pems/E001-000001/close"))
        // Connecting is retried by AsyncHTTPClient itself; the client adds no retries of its own.
        #expect(!reason.contains("retr"))
    }

    // MARK: - Policy and messages

    @Test func retryAfterIsHonouredAndCapped() {
        let policy = AcubeRetryPolicy(maximumRetries: 5)
        #expect(policy.delay(beforeRetry: 1, cause: .unavailable(retryAfter: "7")) == .seconds(7))
        #expect(policy.delay(beforeRetry: 1, cause: .unavailable(retryAfter: "3600")) == .seconds(60))
        #expect(policy.delay(beforeRetry: 1, cause: .unavailable(retryAfter: nil)) == .seconds(2))
        #expect(
            policy.delay(beforeRetry: 1, cause: .unavailable(retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"))
                == .seconds(2))
        let backoff = policy.delay(beforeRetry: 3, cause: .tooManyRequests(retryAfter: nil))
        #expect(backoff >= .seconds(1) && backoff <= .seconds(2))
        #expect(policy.delay(beforeRetry: 30, cause: .transport) == .seconds(60))
    }

    @Test func bothErrorShapesBecomeOneReadableLine() {
        let mf1 =
            #"{"detail":[{"loc":["body","entries",0,"vat_rate_code"],"msg":"unknown rate","type":"enum"},"#
            + #"{"loc":["body","datetime"],"msg":"must have an offset","type":"value_error"}]}"#
        #expect(
            AcubeProblem.detail(status: 422, body: Array(mf1.utf8))
                == "entries[0].vat_rate_code: unknown rate; datetime: must have an offset")
        let mf2 =
            #"{"type":"https://tools.ietf.org/html/rfc2616#section-10","title":"An error occurred","#
            + #""violations":[{"propertyPath":"entries[0].vat_rate_code","message":"unknown rate"}]}"#
        #expect(AcubeProblem.detail(status: 422, body: Array(mf2.utf8)) == "entries[0].vat_rate_code: unknown rate")
        let problem =
            #"{"type":"about:blank","title":"Conflict","status":409,"detail":"no open journal","#
            + #""instance":"/mf1/pems/E1/close"}"#
        #expect(AcubeProblem.detail(status: 409, body: Array(problem.utf8)) == "no open journal")
        let titled = #"{"type":"about:blank","title":"Journal closed","status":409,"detail":"no open journal"}"#
        #expect(AcubeProblem.detail(status: 409, body: Array(titled.utf8)) == "Journal closed: no open journal")
        #expect(
            AcubeProblem.detail(status: 401, body: Array(#"{"code":401,"message":"Invalid credentials."}"#.utf8))
                == "Invalid credentials.")
        #expect(
            AcubeProblem.detail(status: 502, body: Array("<html>\n bad\n gateway</html>".utf8))
                == "<html> bad gateway</html>")
        #expect(AcubeProblem.detail(status: 504, body: []) == "504 Gateway Timeout")
    }

    @Test func missingCredentialVariablesAreNamed() throws {
        let error = try #require(throws: AcubeError.self) {
            _ = try AcubeCredentials.fromEnvironment(["QUADRA_ACUBE_PASSWORD": "x-Passw0rd-x"])
        }
        #expect(error.kind == .missingCredentials)
        #expect(error.message.hasPrefix("QUADRA_ACUBE_EMAIL is not set"))
        #expect(!error.message.contains("x-Passw0rd-x"))
        let both = try #require(throws: AcubeError.self) { _ = try AcubeCredentials.fromEnvironment([:]) }
        #expect(both.message.hasPrefix("QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD are not set"))
        let credentials = try AcubeCredentials.fromEnvironment([
            "QUADRA_ACUBE_EMAIL": "a@b.it", "QUADRA_ACUBE_PASSWORD": "x-Passw0rd-x",
        ])
        #expect(credentials.email == "a@b.it")
    }
}

/// Every error path of the client against a hostile server that echoes the password and the token back in its
/// answers: no message, outcome or description may hold either.
@Suite struct AcubeSecretsTests {
    static let password = "pa55-Sekr3t!Quadra"
    static let token = "eyJhbGciOiJIUzI1NiJ9.SECRET-TOKEN-4711.c2ln"

    /// Answers by path; every error body quotes the request's body and `Authorization` header.
    static func hostile(_ request: LoopbackHTTPRequest) -> LoopbackHTTPAction {
        let echoed = String(decoding: request.body, as: UTF8.self) + " / " + (request.header("Authorization") ?? "")
        let echo = JSONText.quoted(echoed)
        let parts = request.path.split(separator: "/").map(String.init)
        func answer(_ status: Int, _ headers: [String: String] = [:]) -> LoopbackHTTPAction {
            .respond(.json(status, #"{"title":"Echo","detail":"# + echo + "}", headers: headers))
        }
        switch (request.method, parts) {
        case ("POST", ["login"]): return .respond(.json(200, #"{"token":"# + JSONText.quoted(token) + "}"))
        case ("POST", ["refuse", "login"]):
            return .respond(
                .json(401, #"{"code":401,"message":"# + JSONText.quoted("Invalid credentials: " + echoed) + "}"))
        case ("POST", ["down", "login"]): return answer(503, ["Retry-After": "0"])
        case ("POST", ["notoken", "login"]): return .respond(.json(200, #"{"user":"# + echo + "}"))
        case (_, let path) where path.count == 4:
            switch path[2] {
            case "reset": return .reset
            case "truncate": return .truncate(.json(200, #"{"members":[],"echo":"# + echo + "}"))
            case "junk": return .respond(.json(200, "not a page: " + echo))
            case "violations":
                return .respond(.json(422, #"{"violations":[{"propertyPath":"datetime","message":"# + echo + "}]}"))
            default:
                if let status = Int(path[2]) { return answer(status, status == 503 ? ["Retry-After": "0"] : [:]) }
                return answer(404)
            }
        default: return answer(404)
        }
    }

    @Test func neitherThePasswordNorTheTokenIsInAnyMessage() async throws {
        let server = LoopbackHTTPServer { Self.hostile($0) }
        try await server.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var messages: [String] = []
        func client(auth: String = "", base: String? = nil) -> AcubeClient {
            var settings = AcubeClientTests.settings(baseURL: base ?? server.baseURL)
            settings.authURL = server.baseURL + auth
            settings.requestTimeoutSeconds = 2
            return AcubeClient(
                http: http, settings: settings,
                credentials: AcubeCredentials(email: "ops@example.com", password: Self.password),
                retryPolicy: AcubeClientTests.policy(retries: 1))
        }
        func read(_ client: AcubeClient, pem: String) async {
            do {
                _ = try await client.receiptsPage(pem: pem, page: 1)
                messages.append("UNEXPECTED SUCCESS for \(pem)")
            } catch {
                messages += [error.message, error.description, "\(error)", String(reflecting: error)]
            }
        }
        func write(_ client: AcubeClient, pem: String) async {
            let outcome = await client.closeJournal(pem: pem)
            messages += ["\(outcome)", String(reflecting: outcome)]
            let report = await client.submitEmergencyReport(pem: pem, body: AcubeClientTests.reportBody)
            messages += ["\(report)"]
        }
        do {
            // Login: refused (401 echoing the body), unavailable through the retries, no token, unreachable.
            for auth in ["/refuse", "/down", "/notoken"] {
                await read(client(auth: auth), pem: "E1")
                await write(client(auth: auth), pem: "E1")
            }
            await read(client(auth: "", base: "http://127.0.0.1:1"), pem: "E1")
            var unreachable = AcubeClientTests.settings(baseURL: "http://127.0.0.1:1")
            unreachable.requestTimeoutSeconds = 2
            let nowhere = AcubeClient(
                http: http, settings: unreachable,
                credentials: AcubeCredentials(email: "ops@example.com", password: Self.password),
                retryPolicy: AcubeClientTests.policy(retries: 0))
            messages.append("\(await nowhere.closeJournal(pem: "E1"))")
            // Logged in: 401 twice, 5xx, 404, 409, 422 in both shapes, not a page, reset, truncated.
            let loggedIn = client()
            for pem in ["401", "500", "503", "404", "409", "422", "violations", "junk", "reset", "truncate"] {
                await read(loggedIn, pem: pem)
                await write(loggedIn, pem: pem)
            }
            messages.append(String(reflecting: loggedIn.settings))
        }
        let credentials = AcubeCredentials(email: "ops@example.com", password: Self.password)
        var dumped = ""
        dump(credentials, to: &dumped)
        messages += [
            credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials),
            dumped,
        ]
        try await http.shutdown()
        await server.shutdown()

        #expect(messages.count > 60)
        #expect(!messages.contains { $0.hasPrefix("UNEXPECTED") }, "\(messages.filter { $0.hasPrefix("UNEXPECTED") })")
        for message in messages {
            #expect(!message.contains(Self.password), "password in: \(message)")
            #expect(!message.contains(Self.token), "token in: \(message)")
            #expect(!message.contains("SECRET-TOKEN"), "token in: \(message)")
        }
        // The server did echo them: the messages show where they were taken out.
        #expect(messages.contains { $0.contains("[hidden]") })
    }
}
