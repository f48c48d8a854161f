import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraServices
import QuadraSimulators
import Testing

/// Exactly-once submission by A-Cube's report ids (apis.md, "Exactly once") against a real A-Cube simulator, a real
/// client and a real SQLite state store.
@Suite struct SubmissionEngineTests {
    static let pem = "E001-000001"
    static let day = FiscalDay(year: 2026, month: 11, day: 21)
    static let key = PemDay(pem: pem, day: day)
    /// The engine's clock: a run well after every record the tests make "long ago".
    static let now = Instant(seconds: 1_795_000_000)

    static func upload(cash: Int64 = 1000, day: FiscalDay = day) -> EmergencyReportUpload {
        let gross = Money(cents: cash)
        let partial = UploadBuilder.partialAmount(gross: gross, vat: VatCode("22.00")!)
        return EmergencyReportUpload(
            pem: pem, fiscalDay: day, datetime: "\(day)T19:02:00+01:00", documentsCount: 1,
            cashPaymentAmount: gross, electronicPaymentAmount: .zero, ticketRestaurantPaymentAmount: .zero,
            entries: [
                .init(vatRateCode: VatCode("22.00")!, gross: gross, vatAmount: gross - partial, partialAmount: partial)
            ])
    }

    static func plan(_ uploads: [EmergencyReportUpload] = [upload()]) -> SubmissionPlan {
        SubmissionPlan(uploads: uploads, offlinePeriods: [], journalCloses: [])
    }

    static let window = OfflineWindow(
        pem: pem, kind: .client, start: TimestampParser.parseAbsolute("2026-11-21T15:00:05+01:00")!,
        end: TimestampParser.parseAbsolute("2026-11-21T15:30:05+01:00")!)

    /// What one test works with.
    struct Setup {
        var simulator: AcubeSimulator
        var engine: SubmissionEngine
        var store: StateStore
        var client: AcubeClient
        var directory: URL

        /// A second state store in the same folder (a store lost and started anew).
        func freshStore() throws -> StateStore {
            try StateStore(path: directory.appendingPathComponent("state-\(UUID().uuidString).sqlite").path)
        }

        func engine(store: StateStore) -> SubmissionEngine {
            var engine = engine
            engine.store = store
            return engine
        }
    }

    /// A fresh store that knows the sample's report 1120 (filed before Quadra), a simulator seeded from the sample
    /// night (it has an open journal for the 21st), a client.
    static func withAcube(
        role: Configuration.AcubeSettings.Role = .supplier, _ body: (Setup) async throws -> Void
    ) async throws {
        let simulator = AcubeSimulator(email: "ops@example.com", password: "pw-Quadra-1", role: role)
        try simulator.seed(fromNight: AcubeClientTests.sampleNight)
        try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = AcubeClient(
            http: http, settings: AcubeClientTests.settings(baseURL: simulator.baseURL, role: role),
            credentials: AcubeCredentials(email: "ops@example.com", password: "pw-Quadra-1"),
            retryPolicy: AcubeClientTests.policy())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-submit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try StateStore(path: directory.appendingPathComponent("state.sqlite").path)
        try store.recordReport(Self.baseline(1120))
        var engine = SubmissionEngine(client: client, store: store, timeZone: .rome, now: { Self.now })
        engine.resendAfter = .seconds(30)
        do {
            try await body(
                Setup(simulator: simulator, engine: engine, store: store, client: client, directory: directory))
            try await http.shutdown()
            await simulator.shutdown()
        } catch {
            try? await http.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    static func baseline(_ id: Int) -> KnownReport {
        KnownReport(
            pem: pem, id: String(id), origin: .baseline, day: nil, note: "test", recordedAt: Instant(seconds: 1))
    }

    static func uploads(_ simulator: AcubeSimulator) -> Int {
        simulator.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/upload-emergency-report") }.count
    }

    /// How many reports A-Cube holds for each fiscal day its posted bodies name: never more than one is the point.
    static func reportsPerDay(_ simulator: AcubeSimulator) -> [String: Int] {
        var days: [String: Int] = [:]
        for report in simulator.postedEmergencyReports(pem: pem) {
            days[String(report.datetime.prefix(10)), default: 0] += 1
        }
        return days
    }

    // MARK: - The happy path

    @Test func aReportIsSentOnceWithTheListTakenBeforeItAndNeverAgain() async throws {
        try await Self.withAcube { setup in
            let first = try await setup.engine.submit(Self.plan())
            #expect(first.sent == ["emergency report E001-000001 2026-11-21"])
            let posted = try #require(setup.simulator.postedEmergencyReports(pem: Self.pem).first)
            let record = try #require(try setup.store.submission(Self.key))
            #expect(record.status == .accepted)
            #expect(record.acubeId == String(posted.id))
            #expect(record.snapshot == ["1120"], "the ids A-Cube listed just before the POST")
            #expect(record.sentAt == Self.now)
            #expect(
                try setup.store.knownReports(pem: Self.pem).map(\.id) == ["1120", String(posted.id)])
            // The list was read before the POST.
            let calls = setup.simulator.requests.map(\.path).filter { $0 != "/login" }
            #expect(calls.first == "/mf2/pems/E001-000001/emergency-reports")
            #expect(calls.last == "/mf2/pems/E001-000001/upload-emergency-report")

            let second = try await setup.engine.submit(Self.plan())
            #expect(second.sent.isEmpty)
            #expect(second.uncertain.isEmpty)
            #expect(Self.uploads(setup.simulator) == 1)
            #expect(try setup.store.snapshot().submittedReports == [Self.key])
        }
    }

    @Test func daysOfOnePemAreListedAgainBeforeEachPost() async throws {
        try await Self.withAcube { setup in
            let next = FiscalDay(year: 2026, month: 11, day: 22)
            let result = try await setup.engine.submit(Self.plan([Self.upload(), Self.upload(day: next)]))
            #expect(result.sent.count == 2)
            let first = try #require(try setup.store.submission(Self.key))
            let second = try #require(try setup.store.submission(PemDay(pem: Self.pem, day: next)))
            #expect(second.snapshot == ["1120", try #require(first.acubeId)])
            #expect(Self.reportsPerDay(setup.simulator) == ["2026-11-21": 1, "2026-11-22": 1])
        }
    }

    // MARK: - Unknown outcomes

    @Test func aDroppedAnswerIsSettledByTheOneNewIdNotByResending() async throws {
        try await Self.withAcube { setup in
            setup.simulator.commitThenDropNextUploads(1)
            let first = try await setup.engine.submit(Self.plan())
            #expect(first.uncertain.isEmpty, "the list showed the report landed")
            let posted = try #require(setup.simulator.postedEmergencyReports(pem: Self.pem).first)
            #expect(first.sent == ["emergency report E001-000001 2026-11-21 (answer lost; report \(posted.id) found)"])
            let record = try #require(try setup.store.submission(Self.key))
            #expect(record.status == .accepted)
            #expect(record.acubeId == String(posted.id))
            _ = try await setup.engine.submit(Self.plan())
            #expect(Self.reportsPerDay(setup.simulator) == ["2026-11-21": 1])
            #expect(Self.uploads(setup.simulator) == 1)
        }
    }

    @Test func aGatewayErrorAfterTheCommitIsSettledTheSameWay() async throws {
        try await Self.withAcube { setup in
            setup.simulator.commitThenFailNextUploads(1, status: 502)
            let result = try await setup.engine.submit(Self.plan())
            #expect(result.uncertain.isEmpty)
            #expect(try setup.store.submission(Self.key)?.status == .accepted)
            #expect(Self.uploads(setup.simulator) == 1, "a 5xx on an upload is never retried")
        }
    }

    @Test func anAnswerLostWithNothingListedIsUncertainAndNeverResentInTheSameRun() async throws {
        try await Self.withAcube { setup in
            // The gateway answers 503 and nothing landed: the outcome cannot be told yet.
            setup.simulator.failNextUploads(1, status: 503)
            let result = try await setup.engine.submit(Self.plan())
            let detail = try #require(result.uncertain[SubmissionSubject(pem: Self.pem, day: Self.day)])
            #expect(detail.contains("the next run with --submit settles it"))
            #expect(try setup.store.submission(Self.key)?.status == .unknown)
            #expect(setup.simulator.postedEmergencyReports(pem: Self.pem).isEmpty)
            // Any run sees it as uncertain meanwhile.
            #expect(try setup.store.snapshot().unsettledSubmissions[Self.key] != nil)
            // The next run, long enough after: A-Cube still lists nothing new, so it did not land: sent again.
            var later = setup.engine
            later.now = { Self.now.adding(seconds: 3600) }
            let next = try await later.submit(Self.plan())
            #expect(next.sent == ["emergency report E001-000001 2026-11-21"])
            #expect(next.uncertain.isEmpty)
            #expect(Self.reportsPerDay(setup.simulator) == ["2026-11-21": 1])
        }
    }

    @Test func aPendingRecordLeftByACrashIsSettledFromTheListBeforeAnythingIsSent() async throws {
        try await Self.withAcube { setup in
            // Killed after the POST landed but before the answer was stored.
            try setup.store.beginSubmission(
                Self.key, bodySHA256: "whatever", snapshot: ["1120"], sentAt: Self.now, at: Self.now)
            guard
                case .accepted(let id?, _) = await setup.client.submitEmergencyReport(
                    pem: Self.pem, body: Self.upload().jsonBytes())
            else {
                Issue.record("the direct upload was not accepted")
                return
            }
            let result = try await setup.engine.submit(Self.plan())
            #expect(result.sent == ["emergency report E001-000001 2026-11-21 (answer lost; report \(id) found)"])
            #expect(try setup.store.submission(Self.key)?.acubeId == id)
            #expect(Self.uploads(setup.simulator) == 1)
        }
    }

    @Test func aPendingRecordWithNothingNewIsSentAgainOnlyOnceItIsOldEnough() async throws {
        try await Self.withAcube { setup in
            // Killed while the POST was in flight, and it never landed.
            try setup.store.beginSubmission(
                Self.key, bodySHA256: "whatever", snapshot: ["1120"], sentAt: Self.now.adding(seconds: -5),
                at: Self.now)
            let early = try await setup.engine.submit(Self.plan())
            let detail = try #require(early.uncertain[SubmissionSubject(pem: Self.pem, day: Self.day)])
            #expect(detail.contains("sent only 5 s ago and may still be processed"))
            #expect(Self.uploads(setup.simulator) == 0)

            try setup.store.finishSubmission(Self.key, status: .unknown, acubeId: nil, detail: "killed", at: Self.now)
            var later = setup.engine
            later.now = { Self.now.adding(seconds: 60) }
            let result = try await later.submit(Self.plan())
            #expect(result.sent == ["emergency report E001-000001 2026-11-21"])
            let record = try #require(try setup.store.submission(Self.key))
            #expect(record.status == .accepted)
            #expect(record.snapshot == ["1120"], "a fresh list was taken before sending again")
            #expect(Self.reportsPerDay(setup.simulator) == ["2026-11-21": 1])
        }
    }

    @Test func severalNewIdsLeaveItUncertainUntilAnOperatorSaysWhatEachCovers() async throws {
        try await Self.withAcube { setup in
            try setup.store.beginSubmission(
                Self.key, bodySHA256: "whatever", snapshot: ["1120"], sentAt: Self.now, at: Self.now)
            let mine = setup.simulator.fileReportElsewhere(pem: Self.pem)
            let theirs = setup.simulator.fileReportElsewhere(pem: Self.pem)
            let plan = SubmissionPlan(
                uploads: [Self.upload()], offlinePeriods: [Self.window], journalCloses: [Self.key])
            let result = try await setup.engine.submit(plan)
            let detail = try #require(result.uncertain[SubmissionSubject(pem: Self.pem, day: Self.day)])
            #expect(detail.contains("A-Cube lists 2 reports that appeared since it was sent (ids \(mine), \(theirs))"))
            #expect(result.uncertain[SubmissionSubject(pem: Self.pem)] == nil, "the candidates are reported once")
            #expect(Self.uploads(setup.simulator) == 0)
            // Offline notices and journal closes of the PEM still go.
            #expect(setup.simulator.offlinePeriods(pem: Self.pem).count == 1)
            #expect(setup.simulator.journalCloses(pem: Self.pem) == 1)

            let registry = ReportRegistry(client: setup.client, store: setup.store, now: { Self.now })
            try await registry.record(pem: Self.pem, id: String(theirs), covers: nil, note: "a test by the dealer")
            try await registry.record(pem: Self.pem, id: String(mine), covers: Self.day, note: "ours")
            #expect(try setup.store.submission(Self.key)?.status == .alreadyPresent)
            let after = try await setup.engine.submit(Self.plan())
            #expect(after.uncertain.isEmpty)
            #expect(after.sent.isEmpty)
            #expect(Self.uploads(setup.simulator) == 0)
            #expect(try setup.store.snapshot().submittedReports.contains(Self.key))
        }
    }

    // MARK: - Reports the store never recorded

    @Test func aReportSomeoneElseFiledStopsThePemsReportsButNotItsNoticesOrCloses() async throws {
        try await Self.withAcube { setup in
            let foreign = setup.simulator.fileReportElsewhere(pem: Self.pem)
            let plan = SubmissionPlan(
                uploads: [Self.upload()], offlinePeriods: [Self.window], journalCloses: [Self.key])
            let result = try await setup.engine.submit(plan)
            let detail = try #require(result.uncertain[SubmissionSubject(pem: Self.pem)])
            #expect(detail.hasPrefix("A-Cube holds emergency report \(foreign) for E001-000001 that the state store "))
            #expect(detail.contains("quadra reports record --pem E001-000001 --id \(foreign) --covers DAY"))
            #expect(Self.uploads(setup.simulator) == 0)
            #expect(try setup.store.submission(Self.key) == nil, "nothing begun")
            #expect(setup.simulator.offlinePeriods(pem: Self.pem).count == 1)
            #expect(setup.simulator.journalCloses(pem: Self.pem) == 1)

            // The operator says it covers nothing Quadra sends: the next run files the day.
            let registry = ReportRegistry(client: setup.client, store: setup.store, now: { Self.now })
            try await registry.record(pem: Self.pem, id: String(foreign), covers: nil, note: nil)
            let next = try await setup.engine.submit(plan)
            #expect(next.uncertain.isEmpty)
            #expect(next.sent.contains("emergency report E001-000001 2026-11-21"))
            #expect(Self.reportsPerDay(setup.simulator) == ["2026-11-21": 1])
        }
    }

    @Test func aLostStateStoreNeverFilesADayTwice() async throws {
        try await Self.withAcube { setup in
            _ = try await setup.engine.submit(Self.plan())
            #expect(Self.uploads(setup.simulator) == 1)
            // The store is lost; a new one starts (it knows the sample's old report, as a baseline would).
            let fresh = try setup.freshStore()
            try fresh.recordReport(Self.baseline(1120))
            let result = try await setup.engine(store: fresh).submit(Self.plan())
            #expect(result.uncertain[SubmissionSubject(pem: Self.pem)] != nil)
            #expect(Self.uploads(setup.simulator) == 1)
            #expect(Self.reportsPerDay(setup.simulator) == ["2026-11-21": 1])
        }
    }

    @Test func idsTheNightsExportDescribesAreExpected() async throws {
        try await Self.withAcube { setup in
            let described = setup.simulator.fileReportElsewhere(pem: Self.pem)
            var plan = Self.plan([Self.upload(day: FiscalDay(year: 2026, month: 11, day: 22))])
            plan.describedReportIds = [Self.pem: [String(described)]]
            let result = try await setup.engine.submit(plan)
            #expect(result.uncertain.isEmpty)
            #expect(result.sent.count == 1)
        }
    }

    // MARK: - Merchants cannot list

    @Test func aMerchantSendsWithoutAListAndAnUnknownOutcomeWaitsForAnOperator() async throws {
        try await Self.withAcube(role: .merchant) { setup in
            setup.simulator.commitThenDropNextUploads(1)
            let result = try await setup.engine.submit(Self.plan())
            let detail = try #require(result.uncertain[SubmissionSubject(pem: Self.pem, day: Self.day)])
            #expect(detail.contains("a merchant cannot list A-Cube's reports"))
            #expect(try setup.store.submission(Self.key)?.snapshot == nil)
            #expect(!setup.simulator.requests.contains { $0.path.hasPrefix("/mf2/") })
            // Later runs never resend it on their own.
            var later = setup.engine
            later.now = { Self.now.adding(seconds: 86_400) }
            let next = try await later.submit(Self.plan())
            #expect(next.uncertain[SubmissionSubject(pem: Self.pem, day: Self.day)] != nil)
            #expect(Self.uploads(setup.simulator) == 0)
            #expect(setup.simulator.postedEmergencyReports(pem: Self.pem).count == 1)
            // The operator saw it at A-Cube and records it: settled.
            let id = try #require(setup.simulator.postedEmergencyReports(pem: Self.pem).first?.id)
            let registry = ReportRegistry(client: setup.client, store: setup.store, now: { Self.now })
            try await registry.record(pem: Self.pem, id: String(id), covers: Self.day, note: nil)
            #expect(try setup.store.submission(Self.key)?.status == .alreadyPresent)
            #expect(try await later.submit(Self.plan()).uncertain.isEmpty)
        }
    }

    @Test func anOperatorsNotFiledLetsTheNextRunSendAgain() async throws {
        try await Self.withAcube(role: .merchant) { setup in
            setup.simulator.failNextUploads(1, status: 500)
            _ = try await setup.engine.submit(Self.plan())
            #expect(try setup.store.submission(Self.key)?.status == .unknown)
            try ReportRegistry.notFiled(store: setup.store, pem: Self.pem, day: Self.day, note: nil, at: Self.now)
            #expect(try setup.store.snapshot().unsettledSubmissions.isEmpty)
            let result = try await setup.engine.submit(Self.plan())
            #expect(result.sent == ["emergency report E001-000001 2026-11-21"])
            #expect(throws: ReportRegistryError.self) {
                try ReportRegistry.notFiled(store: setup.store, pem: Self.pem, day: Self.day, note: nil, at: Self.now)
            }
        }
    }

    // MARK: - Refusals, notices, closes, failures

    @Test func aRefusalIsKeptAndTheSameBodyIsNotResent() async throws {
        try await Self.withAcube { setup in
            setup.simulator.rejectNextUploads(1, violations: [("entries[0].vat_rate_code", "unknown rate")])
            let first = try await setup.engine.submit(Self.plan())
            let detail = try #require(first.rejected[Self.key])
            #expect(detail.contains("entries[0].vat_rate_code"))
            #expect(detail.contains("unknown rate"))
            let second = try await setup.engine.submit(Self.plan())
            #expect(second.rejected[Self.key] != nil, "still refused until the data changes")
            #expect(Self.uploads(setup.simulator) == 1, "the same body is not sent again")
            // Fixed data (another body) is sent.
            let fixed = try await setup.engine.submit(Self.plan([Self.upload(cash: 1200)]))
            #expect(fixed.sent.count == 1)
            #expect(try setup.store.submission(Self.key)?.status == .accepted)
        }
    }

    @Test func offlinePeriodsAndJournalClosesOnceEach() async throws {
        try await Self.withAcube { setup in
            let plan = SubmissionPlan(uploads: [], offlinePeriods: [Self.window], journalCloses: [Self.key])
            let first = try await setup.engine.submit(plan)
            #expect(first.sent.count == 2)
            let periods = setup.simulator.offlinePeriods(pem: Self.pem)
            #expect(periods.map(\.timestamp) == ["2026-11-21T15:00:05+01:00"])
            #expect(periods.map(\.reason) == [SubmissionEngine.offlineReason(end: "2026-11-21T15:30:05+01:00")])
            #expect(setup.simulator.journalCloses(pem: Self.pem) == 1)
            _ = try await setup.engine.submit(plan)
            #expect(setup.simulator.offlinePeriods(pem: Self.pem).count == 1)
            #expect(setup.simulator.journalCloses(pem: Self.pem) == 1)
            let snapshot = try setup.store.snapshot()
            #expect(snapshot.notifiedPeriods == [PemInstant(pem: Self.pem, instant: Self.window.start)])
            #expect(snapshot.closedJournals == [Self.key])
        }
    }

    @Test func conflictsMeanAlreadyDone() async throws {
        try await Self.withAcube { setup in
            // A-Cube already holds the period and someone closed the journal: both answer 409.
            _ = await setup.client.communicateOffline(
                pem: Self.pem, timestamp: "2026-11-21T15:00:05+01:00", reason: "sent by someone else")
            guard case .accepted = await setup.client.closeJournal(pem: Self.pem) else {
                Issue.record("the direct close was not accepted")
                return
            }
            let result = try await setup.engine.submit(
                SubmissionPlan(uploads: [], offlinePeriods: [Self.window], journalCloses: [Self.key]))
            #expect(result.rejected.isEmpty)
            #expect(
                try setup.store.offlinePeriod(PemInstant(pem: Self.pem, instant: Self.window.start))?.status
                    == .alreadyPresent)
            #expect(try setup.store.journalClose(Self.key)?.status == .alreadyPresent)
            #expect(try setup.store.snapshot().closedJournals == [Self.key])
        }
    }

    @Test func anAccountRefusedAfterLoginStopsSubmittingAsAFailure() async throws {
        try await Self.withAcube { setup in
            setup.simulator.refuseEveryToken()
            let plan = SubmissionPlan(
                uploads: [Self.upload()], offlinePeriods: [Self.window], journalCloses: [Self.key])
            let result = try await setup.engine.submit(plan)
            let failure = try #require(result.failure)
            #expect(failure.contains("401"))
            #expect(Self.uploads(setup.simulator) == 0)
            #expect(try setup.store.submission(Self.key) == nil)
        }
    }

    @Test func anAcubeUnavailableThroughEveryRetryStopsSubmittingAsAFailure() async throws {
        try await Self.withAcube { setup in
            try await setup.client.authenticate()
            setup.simulator.respond503(times: 1_000, retryAfterSeconds: 0)
            let plan = SubmissionPlan(
                uploads: [Self.upload()], offlinePeriods: [Self.window], journalCloses: [Self.key])
            let result = try await setup.engine.submit(plan)
            let failure = try #require(result.failure)
            #expect(failure.contains("503 Service Unavailable"))
            #expect(Self.uploads(setup.simulator) == 0)
            #expect(setup.simulator.offlinePeriods(pem: Self.pem).isEmpty)
            #expect(try setup.store.submission(Self.key) == nil, "nothing begun")
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
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try StateStore(path: path)
        let engine = SubmissionEngine(client: client, store: store, timeZone: .rome, now: { Instant(seconds: 1) })
        await #expect(throws: (any Error).self) {
            try await engine.submit(Self.plan())
        }
        #expect(try store.submissions().isEmpty, "nothing was recorded as pending")
        try await http.shutdown()
        await simulator.shutdown()
    }
}
