import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import QuadraCore
import QuadraSimulators
import Testing

@Suite struct AcubeSimulatorTests {
    static let email = "ops@example.com"
    static let password = "pa55-Sekr3t!"
    static let merchant = "3f2a9c4e-0000-4000-8000-000000000001"
    static let pem = "E001-000001"

    // MARK: - Helpers

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }

        func object() throws -> JSONObject {
            try #require(try JSONParser.parse(body).objectValue, "not a JSON object: \(text)")
        }

        func array() throws -> [JSONValue] {
            try #require(try JSONParser.parse(body).arrayValue, "not a JSON array: \(text)")
        }
    }

    /// The sample night the README and `quadra demo` use.
    static var sampleNight: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/night-2026-11-21")
    }

    /// The demo certificates: a CA, the simulator's server certificate, one client certificate per sample PEM.
    static var certificates: URL {
        sampleNight.deletingLastPathComponent().appendingPathComponent("certificates")
    }

    /// Starts a simulator (seeded from the sample night unless told) with its mutual-TLS host, runs `body`, shuts it
    /// down whatever happens.
    func withSimulator(
        pathPrefix: String = "pems", seedSample: Bool = true,
        role: Configuration.AcubeSettings.Role = .supplier, _ body: (AcubeSimulator) async throws -> Void
    ) async throws {
        let simulator = AcubeSimulator(
            email: Self.email, password: Self.password, role: role, pathPrefix: pathPrefix,
            mutualTLS: AcubeSimulator.MutualTLS(certificates: Self.certificates))
        if seedSample { try simulator.seed(fromNight: Self.sampleNight) }
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
        _ simulator: AcubeSimulator, _ method: HTTPMethod = .GET, _ path: String, token: String? = nil,
        body: String? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: simulator.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for field in response.headers { fields[field.name.lowercased()] = field.value }
        return Answer(status: Int(response.status.code), headers: fields, body: Array(buffer.readableBytesView))
    }

    /// A GET on the mutual-TLS host presenting `certificate` (a name in `folder`: `E001-000001`), or none.
    func sendMutualTLS(
        _ simulator: AcubeSimulator, _ path: String, certificate: String?, folder: URL = certificates,
        token: String? = nil
    ) async throws -> Answer {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.file(Self.certificates.appendingPathComponent("ca.crt").path)]
        if let certificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(
                folder.appendingPathComponent(certificate + ".crt").path
            ).map { .certificate($0) }
            tls.privateKey = .privateKey(
                try NIOSSLPrivateKey(file: folder.appendingPathComponent(certificate + ".key").path, format: .pem))
        }
        var request = HTTPClientRequest(url: try #require(simulator.mtlsBaseURL) + path)
        request.tlsConfiguration = tls
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for field in response.headers { fields[field.name.lowercased()] = field.value }
        return Answer(status: Int(response.status.code), headers: fields, body: Array(buffer.readableBytesView))
    }

    func login(_ simulator: AcubeSimulator) async throws -> String {
        let body = #"{"email":"\#(Self.email)","password":"\#(Self.password)"}"#
        let answer = try await send(simulator, .POST, "/login", body: body)
        #expect(answer.status == 200)
        return try #require(try answer.object()["token"]?.stringValue)
    }

    /// A valid EmergencyReportInput, as Quadra's upload builder writes it.
    func reportBody(datetime: String = "2026-11-21T19:02:00+01:00") throws -> String {
        let upload = EmergencyReportUpload(
            pem: Self.pem, fiscalDay: FiscalDay(year: 2026, month: 11, day: 21), datetime: datetime,
            documentsCount: 2, cashPaymentAmount: Money(cents: 1250), electronicPaymentAmount: Money(cents: 2000),
            ticketRestaurantPaymentAmount: .zero,
            entries: [
                EmergencyReportUpload.Entry(
                    vatRateCode: try #require(VatCode("10.00")), gross: Money(cents: 1100),
                    vatAmount: Money(cents: 100), partialAmount: Money(cents: 1000)),
                EmergencyReportUpload.Entry(
                    vatRateCode: try #require(VatCode("22.00")), gross: Money(cents: 2150),
                    vatAmount: Money(cents: 388), partialAmount: Money(cents: 1762)),
            ])
        return String(decoding: upload.jsonBytes(), as: UTF8.self)
    }

    /// A body with four faults A-Cube's schema sees: `documents_count` 0 (it must be above 0), a number for an
    /// amount, `ticket_restaurant_quantity` null (the schema requires an integer), an unknown rate.
    static let badReport = """
        {"datetime":"2026-11-21T19:02:00+01:00","documents_count":0,"cash_payment_amount":12.50,
         "electronic_payment_amount":"0.00","ticket_restaurant_payment_amount":"0.00","ticket_restaurant_quantity":null,
         "entries":[{"vat_rate_code":"23.00","vat_amount":"1.00","simplified_vat_allocation":false,
                     "partial_amount":"9.00"}]}
        """

    func members(_ answer: Answer) throws -> [JSONObject] {
        let list = try #require(try answer.object()["members"]?.arrayValue)
        return list.compactMap(\.objectValue)
    }

    func expectProblem(_ answer: Answer, status: Int, instance: String) throws {
        #expect(answer.status == status)
        #expect(answer.headers["content-type"] == "application/json")
        let object = try answer.object()
        #expect(object["type"]?.stringValue == "about:blank")
        #expect(object["status"]?.int64Value == Int64(status))
        #expect(object["title"]?.stringValue?.isEmpty == false)
        #expect(object["detail"]?.stringValue?.isEmpty == false)
        #expect(object["instance"]?.stringValue == instance)
    }

    // MARK: - Login and tokens

    @Test func loginGivesANewTokenEachTimeAndRefusesBadCredentials() async throws {
        try await withSimulator { simulator throws in
            let first = try await login(simulator)
            let second = try await login(simulator)
            #expect(first != second)
            #expect(first.split(separator: ".").count == 3)
            #expect(simulator.logins == 2)

            let wrong = #"{"email":"\#(Self.email)","password":"not-\#(Self.password)"}"#
            let refused = try await send(simulator, .POST, "/login", body: wrong)
            #expect(refused.status == 401)
            #expect(refused.text == #"{"code":401,"message":"Invalid credentials."}"#)
            let stranger = try await send(
                simulator, .POST, "/login", body: #"{"email":"x@example.com","password":"\#(Self.password)"}"#)
            #expect(stranger.status == 401)
            #expect(simulator.logins == 2)
            #expect(!refused.text.contains(Self.password))

            let records = simulator.requests
            #expect(records.map(\.status) == [200, 200, 401, 401])
            #expect(records.allSatisfy { $0.path == "/login" && $0.method == "POST" })
            for record in records {
                #expect(!record.body.contains(Self.password))
                #expect(!record.headers.values.contains { $0.contains(Self.password) })
                #expect(record.body.contains(#""password":"***""#))
            }
            #expect(records[0].body == #"{"email":"\#(Self.email)","password":"***"}"#)
        }
    }

    @Test func everyApiRouteNeedsAValidToken() async throws {
        try await withSimulator { simulator throws in
            let path = "/mf1/pems/\(Self.pem)/receipts"
            let missing = try await send(simulator, .GET, path)
            try expectProblem(missing, status: 401, instance: path)
            #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            let forged = try await send(simulator, .GET, path, token: "eyJ.forged.token")
            try expectProblem(forged, status: 401, instance: path)
            let basic = try await send(simulator, .GET, path, headers: [("Authorization", "Basic b3BzOng=")])
            #expect(basic.status == 401)

            let token = try await login(simulator)
            #expect(try await send(simulator, .GET, path, token: token).status == 200)
            let upload = "/mf2/pems/\(Self.pem)/upload-emergency-report"
            try expectProblem(
                try await send(simulator, .POST, upload, body: try reportBody()), status: 401, instance: upload)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
        }
    }

    @Test func expiredTokensAnswer401UntilTheClientLogsInAgain() async throws {
        try await withSimulator { simulator throws in
            let path = "/mf1/pems/\(Self.pem)/receipts"
            let old = try await login(simulator)
            simulator.expireTokens(afterCalls: 2)
            #expect(try await send(simulator, .GET, path, token: old).status == 200)
            #expect(try await send(simulator, .GET, path, token: old).status == 200)
            let expired = try await send(simulator, .GET, path, token: old)
            try expectProblem(expired, status: 401, instance: path)
            #expect(try expired.object()["detail"]?.stringValue == "Expired JWT Token")
            #expect(try await send(simulator, .GET, path, token: old).status == 401)

            let fresh = try await login(simulator)
            #expect(try await send(simulator, .GET, path, token: fresh).status == 200)
            #expect(try await send(simulator, .GET, path, token: fresh).status == 200)
            #expect(try await send(simulator, .GET, path, token: old).status == 401)
        }
    }

    // MARK: - Lists seeded from the sample night

    @Test func receiptsPageThroughTheSampleNightSentByDefault() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let path = "/mf1/pems/\(Self.pem)/receipts"
            let first = try await send(simulator, .GET, path + "?page=1&size=6", token: token)
            #expect(first.status == 200)
            #expect(first.headers["content-type"] == "application/json")
            let page1 = try first.object()
            #expect(page1["total"]?.int64Value == 10, "the sent receipts: the one left ready is not listed")
            #expect(page1["page"]?.int64Value == 1)
            #expect(page1["size"]?.int64Value == 6)
            let second = try await send(simulator, .GET, path + "?page=2&size=6", token: token)
            #expect(try second.object()["page"]?.int64Value == 2)
            let uuids = try (members(first) + members(second)).compactMap { $0["uuid"]?.stringValue }
            #expect(try members(first).count == 6)
            #expect(try members(second).count == 4)
            #expect(uuids.first == "0b7e1c1a-0001-4000-8000-000000000001")
            #expect(uuids.last == "0b7e1c1a-0001-4000-8000-000000000001")
            #expect(!uuids.contains("0b7e1c1a-0015-4000-8000-000000000015"))
            // The replayed member's number amount keeps its text.
            #expect(try members(second).last?["total_amount"] == .number("12.50"))

            let beyond = try await send(simulator, .GET, path + "?page=3&size=6", token: token)
            #expect(try members(beyond).isEmpty)
            let whole = try await send(simulator, .GET, path, token: token)
            #expect(try whole.object()["size"]?.int64Value == 30)
            #expect(try members(whole).count == 10)
            #expect(
                try await send(simulator, .GET, path + "?size=1000", token: token).object()["size"] == .number("100"))
            try expectProblem(
                try await send(simulator, .GET, path + "?page=0", token: token), status: 400, instance: path)

            let ready = try await send(simulator, .GET, path + "?status=ready", token: token)
            #expect(
                try members(ready).compactMap { $0["uuid"]?.stringValue } == ["0b7e1c1a-0015-4000-8000-000000000015"])
            #expect(try members(try await send(simulator, .GET, path + "?status=sent", token: token)).count == 10)
            let bad = try await send(simulator, .GET, path + "?status=pending", token: token)
            #expect(bad.status == 422)
            #expect(bad.text.contains(#""loc":["query","status"]"#), "\(bad.text)")
        }
    }

    @Test func receiptsAreBoundedByTheirDocumentDatetimeAcrossADSTDay() async throws {
        try await withSimulator(seedSample: false) { simulator throws in
            func receipt(_ uuid: String, _ at: String) -> String {
                #"{"uuid":"\#(uuid)","type":"sale","total_amount":"1.00","document_number":"0001-0001","#
                    + #""document_datetime":"\#(at)","parent_receipt_uuid":null}"#
            }
            // 2026-10-25 is 25 hours long in Rome: 02:30 happens twice (the first is read).
            simulator.seed(
                pem: Self.pem,
                receipts: [
                    receipt("day-before", "2026-10-24T23:59:59"), receipt("first", "2026-10-25T00:00:00"),
                    receipt("twice", "2026-10-25T02:30:00"), receipt("last", "2026-10-25T23:59:59"),
                    receipt("next-day", "2026-10-26T00:00:00"),
                ], readyReceipts: [receipt("ready-same-day", "2026-10-25T12:00:00")])
            let token = try await login(simulator)
            func uuids(_ query: String) async throws -> [String] {
                let answer = try await send(simulator, .GET, "/mf1/pems/\(Self.pem)/receipts?" + query, token: token)
                #expect(answer.status == 200, "\(answer.text)")
                return try members(answer).compactMap { $0["uuid"]?.stringValue }
            }
            let after = "document_datetime%5Bafter%5D=2026-10-25T00%3A00%3A00%2B02%3A00"
            let strictlyBefore = "document_datetime%5Bstrictly_before%5D=2026-10-26T00%3A00%3A00%2B01%3A00"
            #expect(try await uuids(after + "&" + strictlyBefore) == ["first", "twice", "last"])
            #expect(try await uuids("status=ready&" + after + "&" + strictlyBefore) == ["ready-same-day"])
            let before = "document_datetime%5Bbefore%5D=2026-10-26T00%3A00%3A00%2B01%3A00"
            #expect(try await uuids(after + "&" + before) == ["first", "twice", "last", "next-day"])
            let strictlyAfter = "document_datetime%5Bstrictly_after%5D=2026-10-25T00%3A00%3A00%2B02%3A00"
            #expect(try await uuids(strictlyAfter + "&" + strictlyBefore) == ["twice", "last"])
            #expect(try await uuids("").count == 5, "[before] defaults to the start time, after every receipt")
            let bad = try await send(
                simulator, .GET, "/mf1/pems/\(Self.pem)/receipts?document_datetime%5Bafter%5D=yesterday", token: token)
            #expect(bad.status == 422)
            #expect(bad.text.contains("document_datetime[after]"))
        }
    }

    @Test func theBeforeBoundDefaultsToWhenTheServerStarted() async throws {
        let started = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-19T...Z
        let simulator = AcubeSimulator(email: Self.email, password: Self.password, now: { started })
        try simulator.seed(fromNight: Self.sampleNight)
        try await simulator.start()
        do {
            let token = try await login(simulator)
            let answer = try await send(simulator, .GET, "/mf1/pems/\(Self.pem)/receipts", token: token)
            #expect(try members(answer).isEmpty, "receipts of 2026-11-21 are after a server started on 2026-11-19")
        } catch {
            await simulator.shutdown()
            throw error
        }
        await simulator.shutdown()
    }

    @Test func journalsFilterByPemAndInclusiveDates() async throws {
        try await withSimulator { simulator throws in
            simulator.seed(
                pem: "E002-000002",
                journals: [
                    #"{"uuid":"j-e2","pem_serial_number":"E002-000002","date":"2026-11-21","sequence_number":1,"#
                        + #""total_receipts":0,"total_amount":"0.00","status":"open"}"#
                ])
            let token = try await login(simulator)
            let path = "/mf2/merchants/\(Self.merchant)/journals"
            func dates(_ query: String) async throws -> [String] {
                let answer = try await send(simulator, .GET, path + query, token: token)
                #expect(answer.status == 200)
                return try members(answer).compactMap { $0["date"]?.stringValue }
            }
            let pemQuery = "?pem_serial_number=\(Self.pem)"
            #expect(try await dates(pemQuery) == ["2026-11-20", "2026-11-21"])
            #expect(try await dates(pemQuery + "&date_from=2026-11-21") == ["2026-11-21"])
            #expect(try await dates(pemQuery + "&date_to=2026-11-20") == ["2026-11-20"])
            #expect(try await dates(pemQuery + "&date_from=2026-11-20&date_to=2026-11-21").count == 2)
            #expect(try await dates(pemQuery + "&date_from=2026-11-22").isEmpty)
            #expect(try await dates("?pem_serial_number=E002-000002") == ["2026-11-21"])
            #expect(try await dates("?date_from=2026-11-21&date_to=2026-11-21").count == 2)
            let journals = try members(try await send(simulator, .GET, path + pemQuery, token: token))
            #expect(journals.first?["pem_serial_number"]?.stringValue == Self.pem)
            #expect(journals.first?["sequence_number"] == .number("319"))

            let unknown = "/mf2/merchants/00000000-0000-4000-8000-000000000000/journals"
            try expectProblem(try await send(simulator, .GET, unknown, token: token), status: 404, instance: unknown)
            try expectProblem(
                try await send(simulator, .GET, path + "?date_from=2026-13-01", token: token), status: 400,
                instance: path)
        }
    }

    @Test func notificationsAreServedOnlyOverMutualTLSAndScopedByTheCertificate() async throws {
        try await withSimulator { simulator throws in
            simulator.seed(
                pem: "E001-000002",
                notifications: [
                    #"{"uuid":"n-e2","message":"PEM offline","scope":"pem","source":"mf2","level":"critical","#
                        + #""created_at":"2026-11-21T17:00:00Z","type":"STATUS_OFFLINE","code":"SYS-C-01","#
                        + #""payload":{}}"#
                ])
            let token = try await login(simulator)
            // The plain host never serves them, whatever the query says.
            let plain = "/mf1/notifications"
            try expectProblem(
                try await send(simulator, .GET, plain + "?pem_serial_number=\(Self.pem)", token: token), status: 403,
                instance: plain)

            let first = try await sendMutualTLS(simulator, "/mf1/notifications", certificate: Self.pem, token: token)
            #expect(first.status == 200, "\(first.text)")
            let page = try first.object()
            #expect(page["total"]?.int64Value == 5)
            #expect(page["pages"]?.int64Value == 1)
            let codes = try members(first).map { $0["code"]?.stringValue }
            #expect(codes == ["SYS-W-01", "SYS-C-01", nil, "SYS-W-01", "SYS-I-02"])
            // The older shape with `data` instead of `payload` is served as seeded.
            #expect(try members(first)[2]["data"]?.objectValue?["to"]?.stringValue == "ONLINE")

            // The certificate decides, not the query.
            let other = try await sendMutualTLS(
                simulator, "/mf1/notifications?pem_serial_number=\(Self.pem)", certificate: "E001-000002",
                token: token)
            #expect(try members(other).map { $0["uuid"]?.stringValue } == ["n-e2"])
            let small = try await sendMutualTLS(
                simulator, "/mf1/notifications?page=3&size=2", certificate: Self.pem, token: token)
            #expect(try small.object()["pages"]?.int64Value == 3)
            #expect(try members(small).map { $0["uuid"]?.stringValue } == ["5a000000-0000-4000-8000-000000000005"])

            // A bearer token is needed too, as A-Cube's SDK sends one.
            let anonymous = try await sendMutualTLS(simulator, "/mf1/notifications", certificate: Self.pem)
            #expect(anonymous.status == 401)
            // The mutual-TLS host serves nothing else.
            let receipts = "/mf1/pems/\(Self.pem)/receipts"
            #expect(try await sendMutualTLS(simulator, receipts, certificate: Self.pem, token: token).status == 404)
        }
    }

    @Test func aClientWithoutACertificateOrWithAStrangersIsRefusedAtTheHandshake() async throws {
        let stranger = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Certificates/stranger")
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            await #expect(throws: (any Error).self) {
                _ = try await sendMutualTLS(simulator, "/mf1/notifications", certificate: nil, token: token)
            }
            // Same subject (E001-000001), another CA: not the cash register's certificate.
            await #expect(throws: (any Error).self) {
                _ = try await sendMutualTLS(
                    simulator, "/mf1/notifications", certificate: Self.pem, folder: stranger, token: token)
            }
            #expect(simulator.requests.allSatisfy { $0.path != "/mf1/notifications" || $0.status != 200 })
        }
    }

    // MARK: - Emergency reports

    @Test func uploadsOnBothPathsAreAcceptedAndListedByIdAndServerTimeOnly() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let mf2Body = try reportBody(datetime: "2026-11-21T19:02:00+01:00")
            let mf2 = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: mf2Body)
            #expect(mf2.status == 202)
            let mf2Id = try #require(try mf2.object()["id"]?.int64Value, "an integer id: \(mf2.text)")
            let closedAt = try #require(try mf2.object()["closed_at"]?.stringValue)
            #expect(TimestampParser.parseAbsolute(closedAt) != nil)
            #expect(try mf2.object().members.map(\.key) == ["id", "closed_at"])

            let mf1Body = try reportBody(datetime: "2026-11-20T21:30:00+01:00")
            let mf1 = try await send(
                simulator, .POST, "/mf1/pems/\(Self.pem)/emergency-report", token: token, body: mf1Body)
            #expect(mf1.status == 202)
            let mf1Id = try #require(try mf1.object()["id"]?.int64Value)
            #expect(mf1Id != mf2Id)

            let list = try await send(simulator, .GET, "/mf2/pems/\(Self.pem)/emergency-reports", token: token)
            #expect(list.status == 200)
            let reports = try list.array().compactMap(\.objectValue)
            #expect(reports.map { $0["id"]?.int64Value } == [1120, mf2Id, mf1Id])
            #expect(reports.allSatisfy { $0.members.map(\.key) == ["id", "closed_at"] }, "no datetime: \(list.text)")
            #expect(reports[0]["closed_at"]?.stringValue == "2026-11-20T21:05:00+01:00")
            #expect(reports[1]["closed_at"]?.stringValue == closedAt)

            let one = try await send(simulator, .GET, "/mf2/pems/\(Self.pem)/emergency-reports/\(mf1Id)", token: token)
            #expect(one.status == 200)
            #expect(try one.object()["id"]?.int64Value == mf1Id)
            let missing = "/mf2/pems/\(Self.pem)/emergency-reports/999999"
            try expectProblem(try await send(simulator, .GET, missing, token: token), status: 404, instance: missing)

            let posted = simulator.postedEmergencyReports(pem: Self.pem)
            #expect(posted.map(\.path) == [.mf2, .mf1])
            #expect(posted.map { Int64($0.id) } == [mf2Id, mf1Id])
            #expect(posted.first?.body == mf2Body)
            #expect(posted.first?.datetime == "2026-11-21T19:02:00+01:00")
        }
    }

    @Test func theReportListIsPagedByItemsPerPage() async throws {
        try await withSimulator(seedSample: false) { simulator throws in
            simulator.seed(pem: Self.pem)
            let ids = (0..<7).map { _ in simulator.fileReportElsewhere(pem: Self.pem) }
            let token = try await login(simulator)
            func page(_ query: String) async throws -> [Int64] {
                let answer = try await send(
                    simulator, .GET, "/mf2/pems/\(Self.pem)/emergency-reports" + query, token: token)
                #expect(answer.status == 200)
                return try answer.array().compactMap { $0.objectValue?["id"]?.int64Value }
            }
            #expect(try await page("") == ids.map(Int64.init))
            #expect(try await page("?page=1&itemsPerPage=3") == ids[0..<3].map(Int64.init))
            #expect(try await page("?page=3&itemsPerPage=3") == [Int64(ids[6])])
            #expect(try await page("?page=4&itemsPerPage=3").isEmpty)
        }
    }

    @Test func aMerchantGets403OnEveryMF2Route() async throws {
        try await withSimulator(role: .merchant) { simulator throws in
            let token = try await login(simulator)
            for path in [
                "/mf2/pems/\(Self.pem)/emergency-reports", "/mf2/merchants/\(Self.merchant)/journals",
            ] {
                try expectProblem(try await send(simulator, .GET, path, token: token), status: 403, instance: path)
            }
            let upload = "/mf2/pems/\(Self.pem)/upload-emergency-report"
            try expectProblem(
                try await send(simulator, .POST, upload, token: token, body: try reportBody()), status: 403,
                instance: upload)
            let mf1 = try await send(
                simulator, .POST, "/mf1/pems/\(Self.pem)/emergency-report", token: token, body: try reportBody())
            #expect(mf1.status == 202)
        }
    }

    @Test func bodiesFailingAcubesSchemaAre422InEachPathsShape() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let mf2 = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: Self.badReport)
            #expect(mf2.status == 422)
            let problem = try mf2.object()
            #expect(problem["status"]?.int64Value == 422)
            #expect(problem["type"]?.stringValue != nil)
            #expect(problem["title"]?.stringValue != nil)
            let violations = try #require(problem["violations"]?.arrayValue).compactMap(\.objectValue)
            let paths = Set(violations.compactMap { $0["propertyPath"]?.stringValue })
            #expect(
                paths == [
                    "documents_count", "cash_payment_amount", "ticket_restaurant_quantity", "entries[0].vat_rate_code",
                ], "\(mf2.text)")
            #expect(violations.allSatisfy { $0["message"]?.stringValue?.isEmpty == false })

            let mf1 = try await send(
                simulator, .POST, "/mf1/pems/\(Self.pem)/emergency-report", token: token, body: Self.badReport)
            #expect(mf1.status == 422)
            let details = try #require(try mf1.object()["detail"]?.arrayValue).compactMap(\.objectValue)
            #expect(details.count == 4)
            let locs = details.compactMap { $0["loc"]?.arrayValue }
            #expect(locs.contains([.string("body"), .string("ticket_restaurant_quantity")]))
            #expect(locs.contains([.string("body"), .string("entries"), .number("0"), .string("vat_rate_code")]))
            #expect(details.allSatisfy { $0["msg"]?.stringValue != nil && $0["type"]?.stringValue != nil })

            // The schema passes, the simulator's own checks do not: no offset, no entries, no amounts.
            let empty =
                #"{"datetime":"2026-11-21T19:02:00","documents_count":1,"cash_payment_amount":"1.00","#
                + #""electronic_payment_amount":"0.00","ticket_restaurant_payment_amount":"0.00","#
                + #""ticket_restaurant_quantity":0,"entries":[]}"#
            let noOffset = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: empty)
            let emptyPaths = try #require(try noOffset.object()["violations"]?.arrayValue)
                .compactMap { $0.objectValue?["propertyPath"]?.stringValue }
            #expect(emptyPaths == ["datetime"], "the schema's date-time format wants an offset: \(noOffset.text)")
            let garbage = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: "{not json")
            #expect(garbage.status == 400)
            let array = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: "[]")
            #expect(array.status == 422)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
        }
    }

    @Test func rejectedUploadsUseTheGivenViolationsThenClear() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            simulator.rejectNextUploads(2, violations: [("entries[1].partial_amount", "does not match the gross")])
            let body = try reportBody()
            let mf2 = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: body)
            #expect(mf2.status == 422)
            let violation = try #require(try mf2.object()["violations"]?.arrayValue?.first?.objectValue)
            #expect(violation["propertyPath"]?.stringValue == "entries[1].partial_amount")
            #expect(violation["message"]?.stringValue == "does not match the gross")
            let mf1 = try await send(
                simulator, .POST, "/mf1/pems/\(Self.pem)/emergency-report", token: token, body: body)
            #expect(mf1.status == 422)
            let detail = try #require(try mf1.object()["detail"]?.arrayValue?.first?.objectValue)
            #expect(
                detail["loc"]?.arrayValue == [
                    .string("body"), .string("entries"), .number("1"), .string("partial_amount"),
                ])
            #expect(detail["msg"]?.stringValue == "does not match the gross")
            #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)

            let third = try await send(
                simulator, .POST, "/mf1/pems/\(Self.pem)/emergency-report", token: token, body: body)
            #expect(third.status == 202)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).count == 1)
        }
    }

    @Test func commitThenDropStoresTheReportButTheClientSeesAConnectionError() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            simulator.commitThenDropNextUploads(1)
            let body = try reportBody(datetime: "2026-11-21T20:15:00+01:00")
            await #expect(throws: (any Error).self) {
                _ = try await send(
                    simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: body)
            }
            let list = try await send(simulator, .GET, "/mf2/pems/\(Self.pem)/emergency-reports", token: token)
            let reports = try list.array().compactMap(\.objectValue)
            #expect(reports.count == 2)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).map(\.datetime) == ["2026-11-21T20:15:00+01:00"])
            let upload = simulator.requests.filter { $0.path.hasSuffix("/upload-emergency-report") }
            #expect(upload.count == 1)
            #expect(upload.first?.status == nil)

            // The switch cleared itself: the next upload is answered.
            let next = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: try reportBody())
            #expect(next.status == 202)

            simulator.commitThenFailNextUploads(1, status: 504)
            let failed = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token, body: try reportBody())
            #expect(failed.status == 504)
            #expect(simulator.heldEmergencyReports(pem: Self.pem).count == 4, "stored although the answer was a 504")
        }
    }

    // MARK: - Throttling

    @Test func unavailableAnswers503WithRetryAfterThenRecovers() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let path = "/mf1/pems/\(Self.pem)/receipts"
            simulator.respond503(times: 2, retryAfterSeconds: 7)
            let first = try await send(simulator, .GET, path, token: token)
            try expectProblem(first, status: 503, instance: path)
            #expect(first.headers["retry-after"] == "7")
            // Logging in is not an API call: it neither gets a 503 nor uses one up.
            _ = try await login(simulator)
            let second = try await send(simulator, .GET, path, token: token)
            #expect(second.status == 503)
            #expect(second.headers["retry-after"] == "7")
            #expect(try await send(simulator, .GET, path, token: token).status == 200)
        }
    }

    @Test func tooManyRequestsAnswers429ThenRecovers() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            simulator.respond429(times: 1)
            let upload = "/mf2/pems/\(Self.pem)/upload-emergency-report"
            let limited = try await send(simulator, .POST, upload, token: token, body: try reportBody())
            try expectProblem(limited, status: 429, instance: upload)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
            #expect(try await send(simulator, .POST, upload, token: token, body: try reportBody()).status == 202)
        }
    }

    // MARK: - Offline periods and journal closes

    @Test func offlineCommunicationsAreAcceptedConflictingOrRejected() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let path = "/mf1/pems/\(Self.pem)/communicate-offline"
            let body = #"{"timestamp":"2026-11-21T17:00:00+01:00","reason":"until 2026-11-21T19:30:00+01:00"}"#
            let accepted = try await send(simulator, .POST, path, token: token, body: body)
            #expect(accepted.status == 202)
            #expect(accepted.text == "{}")
            #expect(
                simulator.offlinePeriods(pem: Self.pem) == [
                    .init(timestamp: "2026-11-21T17:00:00+01:00", reason: "until 2026-11-21T19:30:00+01:00")
                ])
            // The same instant again (another offset spelling) conflicts with the period A-Cube holds.
            let again = #"{"timestamp":"2026-11-21T16:00:00Z","reason":"again"}"#
            try expectProblem(
                try await send(simulator, .POST, path, token: token, body: again), status: 409, instance: path)

            simulator.refuseOfflinePeriods(1, status: 422, detail: "the period is in the future")
            let unprocessable = try await send(simulator, .POST, path, token: token, body: body)
            #expect(unprocessable.status == 422)
            #expect(unprocessable.text.contains("the period is in the future"))

            let old = #"{"start":"2026-11-21T19:30:00+01:00","end":"2026-11-21T20:00:00+01:00","reason":"x"}"#
            let invalid = try await send(simulator, .POST, path, token: token, body: old)
            #expect(invalid.status == 422)
            let locs = try #require(try invalid.object()["detail"]?.arrayValue)
                .compactMap { $0.objectValue?["loc"]?.arrayValue }
            #expect(locs == [[.string("body"), .string("timestamp")]], "\(invalid.text)")
            let naive = #"{"timestamp":"2026-11-21T19:30:00","reason":"x"}"#
            #expect(try await send(simulator, .POST, path, token: token, body: naive).status == 422)
            let blank = #"{"timestamp":"2026-11-21T19:30:00+01:00","reason":" "}"#
            #expect(try await send(simulator, .POST, path, token: token, body: blank).status == 422)
            #expect(simulator.offlinePeriods(pem: Self.pem).count == 1)

            // The path Quadra used to call is not A-Cube's: it is gone.
            let gone = "/mf1/pems/\(Self.pem)/offline-period"
            try expectProblem(
                try await send(simulator, .POST, gone, token: token, body: old), status: 404, instance: gone)
        }
    }

    @Test func closeAnswers202ForTheOpenJournalThen409() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let path = "/mf1/pems/\(Self.pem)/close"
            let closed = try await send(simulator, .POST, path, token: token)
            #expect(closed.status == 202)
            #expect(simulator.journalCloses(pem: Self.pem) == 1)
            let again = try await send(simulator, .POST, path, token: token)
            try expectProblem(again, status: 409, instance: path)
            #expect(simulator.journalCloses(pem: Self.pem) == 1)
            let journals = try members(
                try await send(
                    simulator, .GET, "/mf2/merchants/\(Self.merchant)/journals?pem_serial_number=\(Self.pem)",
                    token: token))
            #expect(journals.map { $0["status"]?.stringValue } == ["closed", "closed"])
        }
    }

    // MARK: - Routing

    @Test func unknownPemsRoutesAndMethodsAre404Or405() async throws {
        try await withSimulator { simulator throws in
            let token = try await login(simulator)
            let unknownPem = "/mf1/pems/E999-000999/receipts"
            try expectProblem(
                try await send(simulator, .GET, unknownPem, token: token), status: 404, instance: unknownPem)
            let upload = "/mf2/pems/E999-000999/upload-emergency-report"
            try expectProblem(
                try await send(simulator, .POST, upload, token: token, body: try reportBody()), status: 404,
                instance: upload)
            try expectProblem(
                try await send(simulator, .GET, "/mf3/whatever", token: token), status: 404, instance: "/mf3/whatever")
            let wrongPrefix = "/mf1/point-of-sales/\(Self.pem)/receipts"
            #expect(try await send(simulator, .GET, wrongPrefix, token: token).status == 404)
            let receipts = "/mf1/pems/\(Self.pem)/receipts"
            let wrongMethod = try await send(simulator, .DELETE, receipts, token: token)
            try expectProblem(wrongMethod, status: 405, instance: receipts)
            #expect(wrongMethod.headers["allow"] == "GET")
            let xml = try await send(
                simulator, .POST, "/mf2/pems/\(Self.pem)/upload-emergency-report", token: token,
                headers: [("Content-Type", "application/xml")])
            #expect(xml.status == 415)
        }
    }

    @Test func theOlderPointOfSalesPrefixServesWhenConfigured() async throws {
        try await withSimulator(pathPrefix: "point-of-sales") { simulator throws in
            let token = try await login(simulator)
            let old = try await send(simulator, .GET, "/mf1/point-of-sales/\(Self.pem)/receipts?size=2", token: token)
            #expect(old.status == 200)
            #expect(try members(old).count == 2)
            #expect(try await send(simulator, .GET, "/mf1/pems/\(Self.pem)/receipts", token: token).status == 404)
            let upload = try await send(
                simulator, .POST, "/mf2/point-of-sales/\(Self.pem)/upload-emergency-report", token: token,
                body: try reportBody())
            #expect(upload.status == 202)
        }
    }

    // MARK: - Seeding

    @Test func seedingFromANightWithoutExportsNamesTheFolder() throws {
        let simulator = AcubeSimulator(email: Self.email, password: Self.password)
        let night = FileManager.default.temporaryDirectory.appendingPathComponent("acube-sim-\(UUID().uuidString)")
        #expect {
            try simulator.seed(fromNight: night)
        } throws: { error in
            String(describing: error).contains("no such directory")
        }
    }

    @Test func seedingReadsPagesInNaturalOrderAndRefusesBadFiles() async throws {
        let night = FileManager.default.temporaryDirectory.appendingPathComponent("acube-sim-\(UUID().uuidString)")
        let folder = night.appendingPathComponent("acube/E003-000003")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: night) }
        for number in [1, 2, 10] {
            let page = #"{"members":[{"uuid":"r\#(number)","type":"sale"}],"total":3,"page":\#(number),"size":1}"#
            try Data(page.utf8).write(to: folder.appendingPathComponent("receipts-\(number).json"))
        }
        try Data("[]".utf8).write(to: folder.appendingPathComponent("emergency-reports.json"))
        try Data(#"{"members":[{"uuid":"ready-1","type":"sale"}]}"#.utf8)
            .write(to: folder.appendingPathComponent("receipts-ready-1.json"))

        let simulator = AcubeSimulator(email: Self.email, password: Self.password)
        try simulator.seed(fromNight: night)
        try await simulator.start()
        do {
            let token = try await login(simulator)
            let answer = try await send(simulator, .GET, "/mf1/pems/E003-000003/receipts", token: token)
            #expect(try members(answer).map { $0["uuid"]?.stringValue } == ["r1", "r2", "r10"])
            let reports = try await send(simulator, .GET, "/mf2/pems/E003-000003/emergency-reports", token: token)
            #expect(reports.text == "[]")
            let ready = try await send(simulator, .GET, "/mf1/pems/E003-000003/receipts?status=ready", token: token)
            #expect(try members(ready).map { $0["uuid"]?.stringValue } == ["ready-1"])
        } catch {
            await simulator.shutdown()
            throw error
        }
        await simulator.shutdown()

        try Data("{\"members\":[1]}".utf8).write(to: folder.appendingPathComponent("journals.json"))
        let strict = AcubeSimulator(email: Self.email, password: Self.password)
        #expect {
            try strict.seed(fromNight: night)
        } throws: { error in
            String(describing: error).contains("journals.json")
        }
    }
}
