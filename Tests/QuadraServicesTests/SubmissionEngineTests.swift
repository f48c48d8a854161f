import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraServices
import QuadraSimulators
import Testing

/// Exactly-once submission against a real A-Cube simulator, a real client and a real SQLite state store.
@Suite struct SubmissionEngineTests {
    static let pem = "E001-000001"
    static let day = FiscalDay(year: 2026, month: 11, day: 21)
    static let key = PemDay(pem: pem, day: day)

    static func upload(cash: Int64 = 1000) -> EmergencyReportUpload {
        let gross = Money(cents: cash)
        let partial = UploadBuilder.partialAmount(gross: gross, vat: VatCode("22.00")!)
        return EmergencyReportUpload(
            pem: pem, fiscalDay: day, datetime: "2026-11-21T19:02:00+01:00", documentsCount: 1,
            cashPaymentAmount: gross, electronicPaymentAmount: .zero, ticketRestaurantPaymentAmount: .zero,
            entries: [
                .init(vatRateCode: VatCode("22.00")!, gross: gross, vatAmount: gross - partial, partialAmount: partial)
            ])
    }

    static let window = OfflineWindow(
        pem: pem, kind: .client, start: TimestampParser.parseAbsolute("2026-11-21T15:00:05+01:00")!,
        end: TimestampParser.parseAbsolute("2026-11-21T15:30:05+01:00")!)

    /// A fresh store, a simulator seeded from the sample night (it has an open journal for the 21st), a client.
    static func withAcube(
        _ body: (AcubeSimulator, SubmissionEngine, StateStore, AcubeClient) async throws -> Void
    ) async throws {
        let simulator = AcubeSimulator(email: "ops@example.com", password: "pw-Quadra-1")
        try simulator.seed(fromNight: AcubeClientTests.sampleNight)
        try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = AcubeClient(
            http: http, settings: AcubeClientTests.settings(baseURL: simulator.baseURL),
            credentials: AcubeCredentials(email: "ops@example.com", password: "pw-Quadra-1"),
            retryPolicy: AcubeClientTests.policy())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-submit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try StateStore(path: directory.appendingPathComponent("state.sqlite").path)
        let engine = SubmissionEngine(
            client: client, store: store, timeZone: .rome, now: { Instant(seconds: 1_795_000_000) })
        do {
            try await body(simulator, engine, store, client)
            try await http.shutdown()
            await simulator.shutdown()
        } catch {
            try? await http.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    static func uploads(_ simulator: AcubeSimulator) -> Int {
        simulator.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/upload-emergency-report") }.count
    }

    @Test func aReportIsSentOnceAndNeverAgain() async throws {
        try await Self.withAcube { simulator, engine, store, _ in
            let plan = SubmissionPlan(uploads: [Self.upload()], offlinePeriods: [], journalCloses: [])
            let first = try await engine.submit(plan)
            #expect(first.sent == ["emergency report E001-000001 2026-11-21"])
            #expect(try store.submission(Self.key)?.status == .accepted)
            let second = try await engine.submit(plan)
            #expect(second.sent.isEmpty)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).count == 1)
            #expect(Self.uploads(simulator) == 1)
            #expect(try store.snapshot().submittedReports == [Self.key])
        }
    }

    @Test func aDroppedAnswerIsSettledByListingNotByResending() async throws {
        try await Self.withAcube { simulator, engine, store, _ in
            simulator.commitThenDropNextUploads(1)
            let plan = SubmissionPlan(uploads: [Self.upload()], offlinePeriods: [], journalCloses: [])
            let first = try await engine.submit(plan)
            #expect(first.unknown.isEmpty, "the list showed the report landed")
            #expect(try store.submission(Self.key)?.status == .alreadyPresent)
            _ = try await engine.submit(plan)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).count == 1, "exactly one report at A-Cube")
            #expect(Self.uploads(simulator) == 1)
        }
    }

    @Test func aPendingRecordLeftByACrashIsListedBeforeSending() async throws {
        try await Self.withAcube { simulator, engine, store, _ in
            // Killed between the store write and the POST: pending, nothing at A-Cube.
            try store.beginSubmission(Self.key, bodySHA256: "whatever", at: Instant(seconds: 1))
            let plan = SubmissionPlan(uploads: [Self.upload()], offlinePeriods: [], journalCloses: [])
            let result = try await engine.submit(plan)
            #expect(result.sent.count == 1)
            let lists = simulator.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/emergency-reports") }
            #expect(!lists.isEmpty, "A-Cube's list was read before sending again")
            #expect(simulator.postedEmergencyReports(pem: Self.pem).count == 1)
        }
    }

    @Test func aPendingRecordWhoseReportLandedIsNotSentAgain() async throws {
        try await Self.withAcube { simulator, engine, store, client in
            // Killed after the POST landed but before the answer was stored.
            try store.beginSubmission(Self.key, bodySHA256: "whatever", at: Instant(seconds: 1))
            guard case .accepted = await client.submitEmergencyReport(pem: Self.pem, body: Self.upload().jsonBytes())
            else {
                Issue.record("the direct upload was not accepted")
                return
            }
            let result = try await engine.submit(
                SubmissionPlan(uploads: [Self.upload()], offlinePeriods: [], journalCloses: []))
            #expect(result.sent.isEmpty)
            #expect(try store.submission(Self.key)?.status == .alreadyPresent)
            #expect(simulator.postedEmergencyReports(pem: Self.pem).count == 1)
        }
    }

    @Test func aRefusalIsKeptAndTheSameBodyIsNotResent() async throws {
        try await Self.withAcube { simulator, engine, store, _ in
            simulator.rejectNextUploads(1, violations: [("entries[0].vat_rate_code", "unknown rate")])
            let plan = SubmissionPlan(uploads: [Self.upload()], offlinePeriods: [], journalCloses: [])
            let first = try await engine.submit(plan)
            let detail = try #require(first.rejected[Self.key])
            #expect(detail.contains("entries[0].vat_rate_code"))
            #expect(detail.contains("unknown rate"))
            let second = try await engine.submit(plan)
            #expect(second.rejected[Self.key] != nil, "still refused until the data changes")
            #expect(Self.uploads(simulator) == 1, "the same body is not sent again")
            // Fixed data (another body) is sent.
            let fixed = try await engine.submit(
                SubmissionPlan(uploads: [Self.upload(cash: 1200)], offlinePeriods: [], journalCloses: []))
            #expect(fixed.sent.count == 1)
            #expect(try store.submission(Self.key)?.status == .accepted)
        }
    }

    @Test func offlinePeriodsAndJournalClosesOnceEach() async throws {
        try await Self.withAcube { simulator, engine, store, _ in
            let plan = SubmissionPlan(uploads: [], offlinePeriods: [Self.window], journalCloses: [Self.key])
            let first = try await engine.submit(plan)
            #expect(first.sent.count == 2)
            let periods = simulator.offlinePeriods(pem: Self.pem)
            #expect(periods.map(\.start) == ["2026-11-21T15:00:05+01:00"])
            #expect(periods.map(\.end) == ["2026-11-21T15:30:05+01:00"])
            #expect(simulator.journalCloses(pem: Self.pem) == 1)
            _ = try await engine.submit(plan)
            #expect(simulator.offlinePeriods(pem: Self.pem).count == 1)
            #expect(simulator.journalCloses(pem: Self.pem) == 1)
            let snapshot = try store.snapshot()
            #expect(snapshot.notifiedPeriods == [PemInstant(pem: Self.pem, instant: Self.window.start)])
            #expect(snapshot.closedJournals == [Self.key])
        }
    }

    @Test func conflictsMeanAlreadyDone() async throws {
        try await Self.withAcube { simulator, engine, store, client in
            simulator.refuseOfflinePeriods(1, status: 409)
            // Someone closed the journal already: the engine's close gets 409.
            guard case .accepted = await client.closeJournal(pem: Self.pem) else {
                Issue.record("the direct close was not accepted")
                return
            }
            let result = try await engine.submit(
                SubmissionPlan(uploads: [], offlinePeriods: [Self.window], journalCloses: [Self.key]))
            #expect(result.rejected.isEmpty)
            #expect(
                try store.offlinePeriod(PemInstant(pem: Self.pem, instant: Self.window.start))?.status
                    == .alreadyPresent)
            #expect(try store.journalClose(Self.key)?.status == .alreadyPresent)
            #expect(try store.snapshot().closedJournals == [Self.key])
        }
    }

    @Test func refusedCredentialsStopBeforeAnythingIsRecorded() async throws {
        let simulator = AcubeSimulator(email: "ops@example.com", password: "right")
        try simulator.seed(fromNight: AcubeClientTests.sampleNight)
        try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = AcubeClient(
            http: http, settings: AcubeClientTests.settings(baseURL: simulator.baseURL),
            credentials: AcubeCredentials(email: "ops@example.com", password: "wrong"),
            retryPolicy: AcubeClientTests.policy())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-refused-\(UUID().uuidString).sqlite"
        ).path
        let store = try StateStore(path: path)
        let engine = SubmissionEngine(client: client, store: store, timeZone: .rome, now: { Instant(seconds: 1) })
        await #expect(throws: (any Error).self) {
            try await engine.submit(SubmissionPlan(uploads: [Self.upload()], offlinePeriods: [], journalCloses: []))
        }
        #expect(try store.submissions().isEmpty, "nothing was recorded as pending")
        try await http.shutdown()
        await simulator.shutdown()
    }
}
