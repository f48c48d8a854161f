import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraSimulators
import Testing

@testable import QuadraServices

/// The A-Cube client and fetcher against a real `AcubeSimulator` on 127.0.0.1 (with its mutual-TLS host, and, for
/// the secrets, a hostile server that echoes everything it is sent). Waits are shortened by the retry policy.
@Suite struct AcubeClientTests {
    static let email = "ops@example.com"
    static let password = "pa55-Sekr3t!Quadra"
    static let merchant = "3f2a9c4e-0000-4000-8000-000000000001"
    static let pem = "E001-000001"
    static let day = FiscalDay(year: 2026, month: 11, day: 21)

    /// The sample night the README and `quadra demo` use.
    static let sampleNight = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/night-2026-11-21")
    /// The demo certificates (CA, server, one client certificate per sample PEM).
    static let certificates = sampleNight.deletingLastPathComponent().appendingPathComponent("certificates")

    /// A valid EmergencyReportInput.
    static let reportBody = Array(
        """
        {"datetime":"2026-11-21T20:40:00+01:00","documents_count":1,"cash_payment_amount":"10.00",\
        "electronic_payment_amount":"0.00","ticket_restaurant_payment_amount":"0.00",\
        "ticket_restaurant_quantity":0,"entries":[{"vat_rate_code":"22.00","vat_amount":"1.80",\
        "simplified_vat_allocation":false,"partial_amount":"8.20","ateco_code":null}]}
        """.utf8)

    // MARK: - Helpers

    static func settings(
        baseURL: String, role: Configuration.AcubeSettings.Role = .supplier, pageSize: Int64 = 6,
        merchant: String? = merchant, mtlsBaseURL: String? = nil
    ) -> Configuration.AcubeSettings {
        var settings = Configuration.AcubeSettings()
        settings.role = role
        settings.baseURL = baseURL
        settings.authURL = baseURL
        settings.merchantUUID = merchant
        settings.pems = [pem]
        settings.pageSize = pageSize
        settings.requestTimeoutSeconds = 5
        settings.mtlsBaseURL = mtlsBaseURL
        settings.caCertificate = certificates.appendingPathComponent("ca.crt").path
        for serial in ["E001-000001", "E001-000002"] {
            settings.certificates[serial] = .init(
                certificate: certificates.appendingPathComponent(serial + ".crt").path,
                privateKey: certificates.appendingPathComponent(serial + ".key").path)
        }
        return settings
    }

    /// Short waits: 503 without `Retry-After` 20 ms, backoff from 10 ms, no wait over 2 s.
    static func policy(retries: Int = 3) -> AcubeRetryPolicy {
        AcubeRetryPolicy(
            maximumRetries: retries, maximumDelay: .seconds(2), defaultRetryAfter: .milliseconds(20),
            initialBackoff: .milliseconds(10))
    }

    /// Runs `body` with a simulator seeded from the sample night (and its mutual-TLS host) and a client pointed at
    /// it; shuts both down.
    static func withAcube<T>(
        role: Configuration.AcubeSettings.Role = .supplier, pageSize: Int64 = 6, password: String = password,
        merchant: String? = merchant, retries: Int = 3, seed: Bool = true,
        adjust: (inout Configuration.AcubeSettings) -> Void = { _ in },
        _ body: (AcubeSimulator, AcubeClient) async throws -> T
    ) async throws -> T {
        let simulator = AcubeSimulator(
            email: email, password: Self.password, role: role, merchantUUID: Self.merchant,
            mutualTLS: AcubeSimulator.MutualTLS(certificates: certificates))
        if seed { try simulator.seed(fromNight: sampleNight) }
        try await simulator.start()
        var settings = settings(
            baseURL: simulator.baseURL, role: role, pageSize: pageSize, merchant: merchant,
            mtlsBaseURL: simulator.mtlsBaseURL)
        adjust(&settings)
        let http = try AcubeClient.makeHTTPClient(settings: settings)
        let client = AcubeClient(
            http: http, settings: settings, credentials: AcubeCredentials(email: email, password: password),
            retryPolicy: policy(retries: retries))
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

    static func identity(_ serial: String = pem) throws -> AcubeClientIdentity {
        try AcubeClientIdentity.load(
            pem: serial,
            files: .init(
                certificate: certificates.appendingPathComponent(serial + ".crt").path,
                privateKey: certificates.appendingPathComponent(serial + ".key").path),
            caCertificate: certificates.appendingPathComponent("ca.crt").path)
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

    static func receipt(_ uuid: String, _ at: String) -> String {
        #"{"uuid":"\#(uuid)","type":"sale","total_amount":"1.00","document_number":"0001-0001","#
            + #""document_datetime":"\#(at)","parent_receipt_uuid":null}"#
    }

    // MARK: - Login and reads

    @Test func logsInOnceAndReadsAPageWithTheBearerToken() async throws {
        try await Self.withAcube { simulator, client in
            let first = try await client.receiptsPage(
                pem: Self.pem, status: .sent, day: Self.day, timeZone: .rome, page: 1)
            #expect(first.memberCount == 6)
            #expect(first.total == 10)
            #expect(first.hasMore)
            #expect(simulator.logins == 1)
            let requests = simulator.requests
            #expect(requests.map(\.path) == ["/login", "/mf1/pems/E001-000001/receipts"])
            let authorization = try #require(requests[1].headers["authorization"])
            #expect(authorization.hasPrefix("Bearer ") && authorization.count > 20)
        }
    }

    @Test func receiptsAreAskedForOneStatusAndTheFiscalDaysBounds() async throws {
        try await Self.withAcube { simulator, client in
            let ready = try await client.receiptsPage(
                pem: Self.pem, status: .ready, day: Self.day, timeZone: .rome, page: 1)
            #expect(ready.memberCount == 1)
            let request = try #require(simulator.requests.last)
            #expect(request.queryValue("status") == "ready")
            #expect(request.queryValue("page") == "1")
            #expect(request.queryValue("size") == "6")
            #expect(request.queryValue("document_datetime[after]") == "2026-11-21T00:00:00+01:00")
            #expect(request.queryValue("document_datetime[strictly_before]") == "2026-11-22T00:00:00+01:00")
            #expect(request.queryValue("document_datetime[before]") == "2026-11-22T00:00:00+01:00")
            // Brackets and the offset's plus are percent-encoded on the wire.
            #expect(request.query?.contains("document_datetime%5Bafter%5D=2026-11-21T00%3A00%3A00%2B01%3A00") == true)
        }
    }

    @Test(arguments: [
        (FiscalDay(year: 2026, month: 3, day: 29), "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
        (FiscalDay(year: 2026, month: 10, day: 25), "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"),
    ])
    func aDSTDayIsBoundedByItsOwnMidnights(day: FiscalDay, after: String, before: String) async throws {
        try await Self.withAcube(seed: false) { simulator, client in
            simulator.seed(
                pem: Self.pem,
                receipts: [
                    Self.receipt("before", "\(FiscalDay(daysSinceEpoch: day.daysSinceEpoch - 1))T23:59:59"),
                    Self.receipt("in", "\(day)T12:00:00"), Self.receipt("late", "\(day)T23:59:59"),
                    Self.receipt("after", "\(FiscalDay(daysSinceEpoch: day.daysSinceEpoch + 1))T00:00:00"),
                ])
            let page = try await client.receiptsPage(pem: Self.pem, status: .sent, day: day, timeZone: .rome, page: 1)
            let request = try #require(simulator.requests.last)
            #expect(request.queryValue("document_datetime[after]") == after)
            #expect(request.queryValue("document_datetime[strictly_before]") == before)
            let (data, _) = Self.readBack([page.bytes], kind: .acubeReceipts)
            #expect(Set(data.receipts.keys) == ["in", "late"])
        }
    }

    @Test func anExpiredTokenLogsInAgainExactlyOnce() async throws {
        try await Self.withAcube { simulator, client in
            try await client.authenticate()
            simulator.expireTokens(afterCalls: 0)
            let page = try await client.receiptsPage(
                pem: Self.pem, status: .sent, day: Self.day, timeZone: .rome, page: 2)
            #expect(page.memberCount == 4)
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
                _ = try await client.receiptsPage(pem: Self.pem, status: .sent, day: Self.day, timeZone: .rome, page: 1)
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
            let page = try await client.receiptsPage(
                pem: Self.pem, status: .sent, day: Self.day, timeZone: .rome, page: 1)
            #expect(page.memberCount == 6)
            #expect(simulator.requests.compactMap(\.status) == [200, 503, 200])
            let requests = simulator.requests
            // Retry-After: 1 was honoured (a lower bound only: sleeps never end early).
            #expect(requests[2].receivedAt.timeIntervalSince(requests[1].receivedAt) >= 0.9)
        }
    }

    @Test func oneCallsBackOffHoldsBackEveryOtherCallOfTheClient() async throws {
        try await Self.withAcube { simulator, client in
            try await client.authenticate()
            simulator.respond503(times: 1, retryAfterSeconds: 1)
            async let first = client.receiptsPage(pem: Self.pem, status: .sent, day: Self.day, timeZone: .rome, page: 1)
            // Wait until the first call has had its 503 and paused every call, then ask for something else.
            while !client.isBackingOff { try await Task.sleep(for: .milliseconds(5)) }
            let second = try await client.emergencyReportIds(pem: Self.pem)
            _ = try await first
            #expect(second == ["1120"])
            let requests = simulator.requests
            let unavailable = try #require(requests.first { $0.status == 503 })
            let listing = try #require(requests.first { $0.path.hasSuffix("/emergency-reports") })
            #expect(
                listing.receivedAt.timeIntervalSince(unavailable.receivedAt) >= 0.9,
                "the other call waited out the shared back-off")
        }
    }

    @Test func a503ThatOutlastsTheRetriesIsAnUnavailableError() async throws {
        try await Self.withAcube(retries: 2) { simulator, client in
            simulator.respond503(times: 10, retryAfterSeconds: 0)
            let error = try await #require(throws: AcubeError.self) {
                _ = try await client.notificationsPage(identity: try Self.identity(), page: 1)
            }
            #expect(error.kind == .unavailable(status: 503))
            #expect(error.message.contains("503 Service Unavailable (after 2 retries)"))
            #expect(simulator.requests.filter { $0.status == 503 }.count == 3)
        }
    }

    @Test func a429IsBackedOffThenTheReadSucceeds() async throws {
        try await Self.withAcube { simulator, client in
            simulator.respond429(times: 2)
            let ids = try await client.emergencyReportIds(pem: Self.pem)
            #expect(ids == ["1120"])
            #expect(simulator.requests.compactMap(\.status) == [200, 429, 429, 200])
        }
    }

    @Test func anUnknownPemIsAFinal404NamingWhatToCheck() async throws {
        try await Self.withAcube { simulator, client in
            let error = try await #require(throws: AcubeError.self) {
                _ = try await client.receiptsPage(
                    pem: "E999-000999", status: .sent, day: Self.day, timeZone: .rome, page: 1)
            }
            #expect(error.kind == .refused(status: 404))
            #expect(error.message.contains("404 Not Found"))
            #expect(error.message.contains("acube.path_prefix"))
            #expect(simulator.requests.filter { $0.status == 404 }.count == 1)
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

    @Test func aMerchantIsRefusedMF2ListsWithAHintAboutTheRole() async throws {
        try await Self.withAcube(role: .merchant) { _, client in
            let error = try await #require(throws: AcubeError.self) {
                _ = try await client.emergencyReportIds(pem: Self.pem)
            }
            #expect(error.kind == .refused(status: 403))
            #expect(error.message.contains("MF2 serves suppliers only"))
            #expect(!client.canListReports)
        }
    }

    // MARK: - Notifications over mutual TLS

    @Test func notificationsAreReadWithThePemsCertificateAndNoSerial() async throws {
        try await Self.withAcube { simulator, client in
            let page = try await client.notificationsPage(identity: try Self.identity(), page: 1)
            #expect(page.memberCount == 5)
            #expect(!page.hasMore)
            let request = try #require(simulator.requests.last)
            #expect(request.path == "/mf1/notifications")
            #expect(request.queryValue("pem_serial_number") == nil)
            #expect(request.headers["authorization"]?.hasPrefix("Bearer ") == true)
            // Another PEM's certificate sees that PEM's notifications: none here.
            simulator.seed(pem: "E001-000002")
            let other = try await client.notificationsPage(identity: try Self.identity("E001-000002"), page: 1)
            #expect(other.memberCount == 0)
        }
    }

    @Test func certificateFilesThatCannotBeUsedAreNamedWithoutTheirContents() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = Self.certificates.appendingPathComponent("E001-000001.key")
        let keyText = try String(contentsOf: key, encoding: .utf8)
        let copy = directory.appendingPathComponent("E001-000001.key")
        try keyText.write(to: copy, atomically: true, encoding: .utf8)
        let certificate = Self.certificates.appendingPathComponent("E001-000001.crt").path
        let otherKey = Self.certificates.appendingPathComponent("E001-000002.key").path
        let cases: [(files: Configuration.AcubeSettings.ClientCertificate, expected: String)] = [
            (
                .init(certificate: directory.appendingPathComponent("missing.crt").path, privateKey: copy.path),
                "the certificate file is missing or unreadable"
            ),
            (.init(certificate: copy.path, privateKey: copy.path), "it holds no PEM certificate"),
            (.init(certificate: certificate, privateKey: certificate), "it holds no PEM private key"),
            (.init(certificate: certificate, privateKey: otherKey), "does not belong to the certificate"),
        ]
        let keyBody = keyText.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        for (files, expected) in cases {
            let error = try #require(throws: AcubeError.self) {
                _ = try AcubeClientIdentity.load(pem: "E001-000001", files: files, caCertificate: nil)
            }
            #expect(error.kind == .notConfigured)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.hasPrefix("acube.certificates.\"E001-000001\": cannot use "))
            #expect(!error.message.contains("PRIVATE KEY") && !error.message.contains(String(keyBody.prefix(16))))
        }
    }

    // MARK: - The emergency report list

    @Test func everyPageOfReportIdsIsRead() async throws {
        try await Self.withAcube(pageSize: 100) { simulator, client in
            let filed = (0..<64).map { _ in String(simulator.fileReportElsewhere(pem: Self.pem)) }
            let ids = try await client.emergencyReportIds(pem: Self.pem)
            #expect(ids == ["1120"] + filed)
            let pages = simulator.requests.filter { $0.path.hasSuffix("/emergency-reports") }
            // 30 per page whatever page_size says (A-Cube's default: a server that capped more could end early).
            #expect(pages.map { $0.queryValue("page") } == ["1", "2", "3"])
            #expect(pages.allSatisfy { $0.queryValue("itemsPerPage") == "30" })
            #expect(try await client.emergencyReport(pem: Self.pem, id: filed[5])?.id == filed[5])
            #expect(try await client.emergencyReport(pem: Self.pem, id: "424242") == nil)
        }
    }

    // MARK: - Fetcher

    @Test func theFetchersFilesReadBackThroughTheNightReader() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let result = try await Self.withAcube(pageSize: 6) { simulator, client in
            // An earlier day's receipt, of each status: never fetched for this day.
            simulator.seed(
                pem: Self.pem, receipts: [Self.receipt("day-before-sent", "2026-11-20T23:59:59")],
                readyReceipts: [Self.receipt("day-before-ready", "2026-11-20T18:00:00")])
            let (identities, problems) = AcubeFetcher.loadIdentities(pems: [Self.pem], settings: client.settings)
            #expect(problems.isEmpty)
            return try await AcubeFetcher(client: client, identities: identities, identityProblems: problems)
                .fetch(pems: [Self.pem, Self.pem], day: Self.day, into: night)
        }
        #expect(
            result.files.map(\.relativePath) == [
                "acube/E001-000001/receipts-ready-1.json", "acube/E001-000001/receipts-sent-1.json",
                "acube/E001-000001/receipts-sent-2.json", "acube/E001-000001/journals-1.json",
                "acube/E001-000001/notifications-1.json", "acube/E001-000001/emergency-reports-1.json",
            ])
        #expect(result.warnings.isEmpty)
        #expect(result.nextSteps.isEmpty)
        #expect(result.fetchedKinds == [Self.pem: Set(AcubeFetcher.kinds)])
        for file in result.files {
            let size = try FileManager.default.attributesOfItem(
                atPath: night.appendingPathComponent(file.relativePath).path)[.size]
            #expect(size as? Int == file.byteCount, "\(file.relativePath)")
        }
        #expect(try Self.stagingFolders(night).isEmpty)
        let inputs = try NightReader(timeZone: .rome, registerXML: nil).read(directory: night)
        #expect(inputs.diagnostics.isEmpty)
        #expect(inputs.files.map(\.path) == result.files.map(\.relativePath).sorted())
        let data = try #require(inputs.acube[Self.pem])
        #expect(data.receipts.count == 10, "9 sent (one listed twice) and 1 ready; no other day's")
        #expect(data.receipts["0b7e1c1a-0015-4000-8000-000000000015"] != nil, "the ready receipt")
        #expect(data.receipts["day-before-sent"] == nil && data.receipts["day-before-ready"] == nil)
        #expect(data.journals.count == 1)
        #expect(data.notifications.count == 5)
        #expect(data.emergencyReports.map(\.id) == ["1120"])
        #expect(data.emergencyReports.map(\.datetime) == [nil], "A-Cube's list says nothing of the day covered")
    }

    @Test func aReceiptListedReadyAndSentCountsOnce() async throws {
        try await Self.withAcube(seed: false) { simulator, client in
            let moving = Self.receipt("moving", "2026-11-21T12:00:00")
            simulator.seed(pem: Self.pem, receipts: [moving], readyReceipts: [moving])
            let ready = try await client.receiptsPage(
                pem: Self.pem, status: .ready, day: Self.day, timeZone: .rome, page: 1)
            let sent = try await client.receiptsPage(
                pem: Self.pem, status: .sent, day: Self.day, timeZone: .rome, page: 1)
            let (data, diagnostics) = Self.readBack([ready.bytes, sent.bytes], kind: .acubeReceipts)
            #expect(diagnostics.isEmpty)
            #expect(data.receipts.count == 1)
        }
    }

    @Test func aPemWithoutACertificateIsFetchedWithoutNotificationsAndSaysWhatToDo() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let result = try await Self.withAcube(pageSize: 100) { simulator, client in
            simulator.seed(pem: "E001-000003")
            var settings = client.settings
            settings.certificates["E001-000002"] = .init(
                certificate: "/nonexistent/E001-000002.crt", privateKey: "/nonexistent/E001-000002.key")
            let pems = [Self.pem, "E001-000002", "E001-000003"]
            simulator.seed(pem: "E001-000002")
            let (identities, problems) = AcubeFetcher.loadIdentities(pems: pems, settings: settings)
            #expect(Set(identities.keys) == [Self.pem])
            let result = try await AcubeFetcher(client: client, identities: identities, identityProblems: problems)
                .fetch(pems: pems, day: Self.day, into: night)
            let notifications = simulator.requests.filter { $0.path == "/mf1/notifications" }
            #expect(notifications.count == 1, "only the PEM with a certificate is polled")
            return result
        }
        #expect(result.pemsWithoutNotifications == ["E001-000002", "E001-000003"])
        #expect(result.fetchedKinds["E001-000003"] == ["receipts", "journals", "emergency-reports"])
        #expect(result.warnings.count == 2)
        #expect(result.warnings[0].contains("/nonexistent/E001-000002.crt"))
        #expect(result.warnings[1].hasPrefix("E001-000003 has no client certificate in [acube.certificates]"))
        #expect(result.nextSteps.count == 2)
        #expect(result.nextSteps[1].contains("add the cash register certificate and key of E001-000003"))
        #expect(result.files.contains { $0.relativePath == "acube/E001-000003/receipts-sent-1.json" })
    }

    @Test func manyPemsAreFetchedConcurrentlyInTheSameFilesAsOneByOne() async throws {
        let pems = (1...12).map { String(format: "E009-%06d", $0) }
        let nights = [try Self.temporaryDirectory(), try Self.temporaryDirectory()]
        defer { for night in nights { try? FileManager.default.removeItem(at: night) } }
        func fetch(concurrency: Int64, into night: URL) async throws -> (AcubeFetchResult, Int) {
            let body: (AcubeSimulator, AcubeClient) async throws -> (AcubeFetchResult, Int) = { simulator, client in
                for (index, pem) in pems.enumerated() {
                    simulator.seed(pem: pem, receipts: [Self.receipt("r-\(index)", "2026-11-21T10:00:00")])
                }
                simulator.delayEveryRequest(milliseconds: 30)
                let result = try await AcubeFetcher(client: client).fetch(pems: pems, day: Self.day, into: night)
                simulator.delayEveryRequest(milliseconds: 0)
                return (result, simulator.requests.count)
            }
            return try await Self.withAcube(adjust: { $0.concurrency = concurrency }, body)
        }
        let (serial, serialRequests) = try await fetch(concurrency: 1, into: nights[0])
        let (parallel, parallelRequests) = try await fetch(concurrency: 4, into: nights[1])
        #expect(parallel.files == serial.files)
        for file in serial.files {
            let bytes = try nights.map { try Data(contentsOf: $0.appendingPathComponent(file.relativePath)) }
            #expect(bytes[0] == bytes[1], "\(file.relativePath)")
        }
        #expect(parallelRequests == serialRequests)
        #expect(parallel.files.filter { $0.relativePath.hasSuffix("receipts-sent-1.json") }.count == 12)
    }

    @Test func aMerchantFetchesReceiptsAndNotificationsOnlyWithAWarning() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let result = try await Self.withAcube(role: .merchant, pageSize: 100) { simulator, client in
            let (identities, _) = AcubeFetcher.loadIdentities(pems: [Self.pem], settings: client.settings)
            let result = try await AcubeFetcher(client: client, identities: identities).fetch(
                pems: [Self.pem], day: Self.day, into: night)
            #expect(!simulator.requests.contains { $0.path.hasPrefix("/mf2/") })
            return result
        }
        #expect(
            result.files.map(\.relativePath) == [
                "acube/E001-000001/receipts-ready-1.json", "acube/E001-000001/receipts-sent-1.json",
                "acube/E001-000001/notifications-1.json",
            ])
        #expect(result.warnings.first?.contains("acube.role is merchant") == true)
        #expect(result.fetchedKinds[Self.pem] == ["receipts", "notifications"])
    }

    @Test func withoutAMerchantUUIDTheFetcherSkipsJournalsWithAWarning() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let result = try await Self.withAcube(pageSize: 100, merchant: nil) { simulator, client in
            let result = try await AcubeFetcher(client: client).fetch(pems: [Self.pem], day: Self.day, into: night)
            #expect(!simulator.requests.contains { $0.path.contains("journals") })
            return result
        }
        #expect(
            result.files.map(\.relativePath) == [
                "acube/E001-000001/receipts-ready-1.json", "acube/E001-000001/receipts-sent-1.json",
                "acube/E001-000001/emergency-reports-1.json",
            ])
        #expect(result.warnings.first?.contains("acube.merchant_uuid is not configured") == true)
        #expect(result.fetchedKinds[Self.pem]?.contains("journals") == false)
    }

    /// The staging folders (`.fetch-*`) in a night's `acube/`.
    static func stagingFolders(_ night: URL) throws -> [String] {
        let acube = night.appendingPathComponent("acube")
        guard FileManager.default.fileExists(atPath: acube.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: acube.path).filter { $0.hasPrefix(".fetch-") }
    }

    /// Every file under `folder`, by relative path, with its bytes.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let path = enumerator?.nextObject() as? String {
            let url = folder.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// A lock-protected record of what the progress callback saw.
    final class Observations: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [String: [String]] = [:]

        func record(_ label: String, _ files: [String]) { lock.withLock { seen[label] = files } }
        subscript(label: String) -> [String]? { lock.withLock { seen[label] } }
    }

    /// Pages go to disk as they arrive (the result holds none), into a staging folder of the night; a fetch that
    /// fails half way (a second PEM A-Cube does not know) leaves the night exactly as it was and no staging folder.
    @Test func pagesGoToDiskAsTheyArriveAndAFailureLeavesTheNightAsItWas() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let folder = night.appendingPathComponent("acube/\(Self.pem)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("earlier fetch".utf8).write(to: folder.appendingPathComponent("receipts-sent-1.json"))
        try Data("earlier fetch".utf8).write(to: folder.appendingPathComponent("receipts-sent-9.json"))
        let before = try Self.snapshot(night)
        let observations = Observations()
        // When the second PEM is asked for, the first one's pages are already on disk, staged.
        let onProgress: @Sendable (String) -> Void = { label in
            guard label.hasPrefix("E001-999999 receipts ready page 1") else { return }
            let staged = (try? Self.stagingFolders(night)).flatMap { names in
                names.first.flatMap {
                    try? FileManager.default.contentsOfDirectory(
                        atPath: night.appendingPathComponent("acube/\($0)/\(Self.pem)").path)
                }
            }
            observations.record(label, (staged ?? []).sorted())
        }
        let body: (AcubeSimulator, AcubeClient) async throws -> Void = { _, client in
            _ = try await AcubeFetcher(client: client, onProgress: onProgress)
                .fetch(pems: [Self.pem, "E001-999999"], day: Self.day, into: night)
        }
        let error = await #expect(throws: AcubeError.self) {
            try await Self.withAcube(pageSize: 6, adjust: { $0.concurrency = 1 }, body)
        }
        #expect(error?.kind == .refused(status: 404))
        #expect(
            observations["E001-999999 receipts ready page 1"] == [
                "emergency-reports-1.json", "journals-1.json", "receipts-ready-1.json", "receipts-sent-1.json",
                "receipts-sent-2.json",
            ])
        #expect(try Self.snapshot(night) == before, "the night is as it was")
        #expect(try Self.stagingFolders(night).isEmpty)
    }

    /// A staging folder left by a fetch that was killed (its process is gone) is removed by the next fetch; one
    /// whose process still runs is left to it.
    @Test func aStagingFolderLeftByAKilledFetchIsRemovedByTheNext() async throws {
        let night = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: night) }
        let acube = night.appendingPathComponent("acube")
        // Process ids stop far below 99,999,999 (Linux allows at most 2^22).
        for leftover in [".fetch-99999999", ".fetch-", ".fetch-x"] {
            let folder = acube.appendingPathComponent("\(leftover)/\(Self.pem)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("half a page".utf8).write(to: folder.appendingPathComponent("receipts-sent-1.json"))
        }
        let running = acube.appendingPathComponent(".fetch-1")  // init: always running
        try FileManager.default.createDirectory(at: running, withIntermediateDirectories: true)
        let result = try await Self.withAcube(pageSize: 100) { _, client in
            try await AcubeFetcher(client: client).fetch(pems: [Self.pem], day: Self.day, into: night)
        }
        #expect(try Self.stagingFolders(night) == [".fetch-1"])
        let written = try FileManager.default.contentsOfDirectory(atPath: acube.appendingPathComponent(Self.pem).path)
        #expect(Set(written) == Set(result.files.map { ($0.relativePath as NSString).lastPathComponent }))
        let page = try Data(contentsOf: acube.appendingPathComponent("\(Self.pem)/receipts-sent-1.json"))
        #expect(page != Data("half a page".utf8))
    }

    @Test func staleFilesAreOnlyTheUnwrittenPagesOfTheFetchedKinds() {
        let stale = AcubeFetcher.staleFiles(
            existing: [
                "receipts-1.json", "receipts-sent-1.json", "receipts-sent-2.json", "receipts.json", "journals-1.json",
                "notifications-1.json", "notes.txt", ".receipts-1.json.tmp-42", "emergency-reports.json",
            ],
            written: ["receipts-sent-1.json", "notifications-1.json", "emergency-reports-1.json"],
            fetchedKinds: ["receipts", "notifications", "emergency-reports"])
        #expect(stale == ["emergency-reports.json", "receipts-1.json", "receipts-sent-2.json", "receipts.json"])
        #expect(!PEMSerial.isValid("../etc"))
        #expect(!PEMSerial.isValid(""))
        #expect(PEMSerial.isValid("E001-000001"))
    }

    // MARK: - Writes

    @Test func aSupplierSubmitsThroughMF2AndGetsAnIntegerId() async throws {
        try await Self.withAcube(role: .supplier) { simulator, client in
            let outcome = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody)
            let posted = try #require(simulator.postedEmergencyReports(pem: Self.pem).first)
            #expect(outcome == .accepted(id: String(posted.id), closedAt: posted.closedAt))
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
            #expect(simulator.postedEmergencyReports(pem: Self.pem).map { String($0.id) } == [id])
            #expect(simulator.postedEmergencyReports(pem: Self.pem).first?.path == .mf1)
            #expect(simulator.requests.last?.path == "/mf1/pems/E001-000001/emergency-report")
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
            // It did land: the list the caller asks for next shows a new id.
            let posted = try #require(simulator.postedEmergencyReports(pem: Self.pem).first)
            #expect(try await client.emergencyReportIds(pem: Self.pem) == ["1120", String(posted.id)])
        }
    }

    @Test func anUploadAnswered5xxIsNeverRetriedButACloseIs() async throws {
        try await Self.withAcube { simulator, client in
            try await client.authenticate()
            simulator.failNextUploads(1, status: 503)
            let upload = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody)
            guard case .unknown(let reason) = upload else {
                Issue.record("expected unknown, got \(upload)")
                return
            }
            #expect(reason.contains("503 Service Unavailable"))
            #expect(simulator.requests.filter { $0.path.hasSuffix("/upload-emergency-report") }.count == 1)
            simulator.respond503(times: 1, retryAfterSeconds: 0)
            #expect(await client.closeJournal(pem: Self.pem) == .accepted(id: nil, closedAt: nil))
            #expect(simulator.requests.filter { $0.path.hasSuffix("/close") }.map(\.status) == [503, 202])
            simulator.respond429(times: 1)
            guard case .accepted = await client.submitEmergencyReport(pem: Self.pem, body: Self.reportBody) else {
                Issue.record("a 429 is answered before any processing: it is retried")
                return
            }
        }
    }

    @Test func anOfflinePeriodIsCommunicatedWithItsStartAndAReasonNamingItsEnd() async throws {
        try await Self.withAcube { simulator, client in
            let reason = SubmissionEngine.offlineReason(end: "2026-11-21T18:30:00+01:00")
            let accepted = await client.communicateOffline(
                pem: Self.pem, timestamp: "2026-11-21T17:00:00+01:00", reason: reason)
            #expect(accepted == .accepted(id: nil, closedAt: nil))
            #expect(
                simulator.offlinePeriods(pem: Self.pem) == [
                    .init(timestamp: "2026-11-21T17:00:00+01:00", reason: reason)
                ])
            #expect(reason.contains("until 2026-11-21T18:30:00+01:00"))
            let request = try #require(simulator.requests.last)
            #expect(request.path == "/mf1/pems/E001-000001/communicate-offline")
            let again = await client.communicateOffline(
                pem: Self.pem, timestamp: "2026-11-21T17:00:00+01:00", reason: reason)
            guard case .conflict(let detail) = again else {
                Issue.record("expected conflict, got \(again)")
                return
            }
            #expect(detail.contains("already held"))
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
            let request = try #require(simulator.requests.last)
            #expect(request.path == "/mf1/pems/E001-000001/close")
            #expect(request.body.isEmpty && request.headers["content-type"] == nil)
        }
    }

    @Test func aWriteWithRefusedCredentialsIsNotSent() async throws {
        try await Self.withAcube(password: "not-the-Passw0rd") { simulator, client in
            let outcome = await client.closeJournal(pem: Self.pem)
            guard case .notSent(let reason) = outcome else {
                Issue.record("expected notSent, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("A-Cube refused the credentials"))
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
        guard case .notSent(let reason) = outcome else {
            Issue.record("expected notSent, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("cannot reach A-Cube at 127.0.0.1:1 for POST /mf1/pems/E001-000001/close"))
        // Connecting is retried by AsyncHTTPClient itself; the client adds no retries of its own.
        #expect(!reason.contains("retr"))
    }

    @Test func aRedirectIsNeverFollowedSoTheLoginNeverLeavesForAnotherHost() async throws {
        let elsewhere = LoopbackHTTPServer { _ in .respond(.json(200, #"{"token":"stolen-token-from-elsewhere"}"#)) }
        try await elsewhere.start()
        let redirecting = LoopbackHTTPServer { request in
            .respond(LoopbackHTTPResponse(status: 307, headers: ["Location": elsewhere.baseURL + request.path]))
        }
        try await redirecting.start()
        var settings = Self.settings(baseURL: redirecting.baseURL)
        settings.caCertificate = nil
        let http = try AcubeClient.makeHTTPClient(settings: settings)
        let client = AcubeClient(
            http: http, settings: settings, credentials: AcubeCredentials(email: Self.email, password: Self.password),
            retryPolicy: Self.policy(retries: 0))
        let error = await #expect(throws: AcubeError.self) { try await client.authenticate() }
        try await http.shutdown()
        await redirecting.shutdown()
        await elsewhere.shutdown()
        #expect(error?.kind == .refused(status: 307))
        #expect(elsewhere.maximumConcurrentRequests == 0, "the other host never saw the credentials")
    }

    // MARK: - Policy, messages and credentials

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
        #expect(
            both.message.hasPrefix(
                "QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD (or QUADRA_ACUBE_PASSWORD_FILE) are not set"))
        let credentials = try AcubeCredentials.fromEnvironment([
            "QUADRA_ACUBE_EMAIL": "a@b.it", "QUADRA_ACUBE_PASSWORD": "x-Passw0rd-x",
        ])
        #expect(credentials.email == "a@b.it")
    }

    @Test func thePasswordFileIsReadLessOneLineEndAndItsProblemsAreNamedWithoutItsText() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let env = { (path: String) in ["QUADRA_ACUBE_EMAIL": "a@b.it", "QUADRA_ACUBE_PASSWORD_FILE": path] }
        for text in ["s3cret-Pass", "s3cret-Pass\n", "s3cret-Pass\r\n"] {
            let credentials = try AcubeCredentials.fromEnvironment(env(try file("p-\(text.count)", text)))
            #expect(credentials.password == "s3cret-Pass")
        }
        // A password that ends in spaces keeps them: only one line end is taken off.
        #expect(try AcubeCredentials.fromEnvironment(env(try file("spaces", " pw  \n"))).password == " pw  ")
        let cases: [(String, String)] = [
            (directory.appendingPathComponent("absent").path, "no such file"),
            (try file("empty", "\n"), "empty"),
            (try file("two", "s3cret-Pass\nsecond-line\n"), "more than one line"),
            (directory.path, "a directory"),
        ]
        for (path, expected) in cases {
            let error = try #require(throws: AcubeError.self) { _ = try AcubeCredentials.fromEnvironment(env(path)) }
            #expect(
                error.message == "QUADRA_ACUBE_PASSWORD_FILE: \(path): "
                    + error.message.split(separator: ": ").dropFirst(2).joined(separator: ": "))
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("s3cret-Pass") && !error.message.contains("second-line"))
        }
        var ambiguous = env(try file("ok", "x"))
        ambiguous["QUADRA_ACUBE_PASSWORD"] = "direct-Passw0rd"
        let error = try #require(throws: AcubeError.self) { _ = try AcubeCredentials.fromEnvironment(ambiguous) }
        #expect(error.message.contains("set only one"))
        #expect(!error.message.contains("direct-Passw0rd"))
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
                _ = try await client.receiptsPage(
                    pem: pem, status: .sent, day: AcubeClientTests.day, timeZone: .rome, page: 1)
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
