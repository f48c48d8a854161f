import CSQLite
import Foundation
import QuadraCore
import Testing

@testable import QuadraServices

@Suite struct StateStoreTests {
    static let day = FiscalDay(year: 2026, month: 11, day: 21)
    static let t0 = Instant(millis: 1_795_280_520_000)

    static func recovery(_ posRefId: String, answer: StoredRecovery.Answer = .approved, cents: Int64? = 1250)
        -> StoredRecovery
    {
        StoredRecovery(
            posRefId: posRefId, terminal: "P1T1", sale: "S-\(posRefId)", kind: .purchase, answer: answer,
            amount: cents.map(Money.init(cents:)), userOverride: false, hostResponseText: "APPROVED",
            rawJSON: #"{"Response":{"pos_ref_id":"\#(posRefId)","success":true}}"#, recordedAt: t0)
    }

    // MARK: - Round trips

    @Test func everyRecordTypeRoundTripsThroughAReopenedFile() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let pemDay = PemDay(pem: "E001-000001", day: Self.day)
        let window = PemInstant(pem: "E001-000001", instant: Instant(millis: -1_500))
        let recovery = StoredRecovery(
            posRefId: "r-1 ü/é?&", terminal: "P1T1", sale: "S-0042", kind: .refund, answer: .declined, amount: nil,
            userOverride: true, hostResponseText: nil, rawJSON: "{}", recordedAt: Self.t0)
        do {
            let store = try StateStore(path: path)
            #expect(store.path == path)
            try store.recordRecovery(recovery)
            try store.beginSubmission(
                pemDay, bodySHA256: "ab12", snapshot: ["report-1", "report-5"], sentAt: Self.t0.adding(seconds: 1),
                at: Self.t0)
            try store.finishSubmission(
                pemDay, status: .accepted, acubeId: "report-7", detail: nil, at: Self.t0.adding(seconds: 2))
            try store.beginOfflinePeriod(window, end: Instant(millis: 3_600_000), at: Self.t0)
            try store.finishOfflinePeriod(window, status: .rejected, detail: "422: end before start", at: Self.t0)
            try store.beginJournalClose(pemDay, at: Self.t0)
        }
        let reopened = try #require(try StateStore.openExisting(path: path))
        #expect(try reopened.recoveries() == ["r-1 ü/é?&": recovery])
        #expect(
            try reopened.recoveries()["r-1 ü/é?&"]?.outcome
                == .declined(RecoveredResponse(amount: nil, userOverride: true, hostResponseText: nil)))
        let submission = SubmissionRecord(
            key: pemDay, status: .accepted, bodySHA256: "ab12", acubeId: "report-7", detail: nil,
            snapshot: ["report-1", "report-5"], sentAt: Self.t0.adding(seconds: 1), createdAt: Self.t0,
            updatedAt: Self.t0.adding(seconds: 2))
        #expect(try reopened.submission(pemDay) == submission)
        #expect(try reopened.submissions() == [submission])
        #expect(
            try reopened.knownReports() == [
                KnownReport(
                    pem: pemDay.pem, id: "report-7", origin: .submitted, day: Self.day,
                    note: "the emergency report Quadra submitted for 2026-11-21", recordedAt: Self.t0.adding(seconds: 2)
                )
            ])
        let period = OfflinePeriodRecord(
            key: window, end: Instant(millis: 3_600_000), status: .rejected, detail: "422: end before start",
            createdAt: Self.t0, updatedAt: Self.t0)
        #expect(try reopened.offlinePeriod(window) == period)
        #expect(try reopened.offlinePeriods() == [period])
        let close = JournalCloseRecord(key: pemDay, status: .pending, createdAt: Self.t0, updatedAt: Self.t0)
        #expect(try reopened.journalClose(pemDay) == close)
        #expect(try reopened.journalCloses() == [close])
        #expect(try reopened.submission(PemDay(pem: "E001-000002", day: Self.day)) == nil)
        #expect(try reopened.offlinePeriod(PemInstant(pem: "E001-000001", instant: Self.t0)) == nil)
        #expect(
            try reopened.journalClose(PemDay(pem: "E001-000001", day: FiscalDay(year: 2026, month: 11, day: 22)))
                == nil)
    }

    @Test func theFileIsWALWithTheQuadraHeaderAndStoresIntegers() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let store = try StateStore(path: path)
        try store.recordRecovery(Self.recovery("r1", cents: 1250))
        try store.beginSubmission(PemDay(pem: "E1", day: Self.day), bodySHA256: "00", at: Self.t0)
        let raw = try SQLiteDatabase(path: path, mode: .readOnly)
        #expect(try raw.query("PRAGMA journal_mode") == [[.text("wal")]])
        #expect(try raw.query("PRAGMA application_id") == [[.integer(StateStoreSchema.applicationID)]])
        #expect(try raw.query("PRAGMA user_version") == [[.integer(StateStoreSchema.version)]])
        #expect(
            try raw.query("SELECT amount_cents, user_override, recorded_at_ms FROM recovery")
                == [[.integer(1250), .integer(0), .integer(Self.t0.millis)]])
        #expect(
            try raw.query("SELECT pem, fiscal_day, status, created_at_ms FROM submission")
                == [[.text("E1"), .text("2026-11-21"), .text("pending"), .integer(Self.t0.millis)]])
    }

    // MARK: - Recoveries

    @Test func theFirstFinalAnswerIsKeptAndTheRawJSONIsUnchanged() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.sqlite"))
        let raw = """
            {"Response":{"pos_ref_id":"r1","success":true,"purchase_amount":"1250",
            "brand_new_key":{"nested":[1,2.50,null]},"host_response_text":"APPROVED \\u00e8 è","user_override":"false"}}
            """
        let first = StoredRecovery(
            posRefId: "r1", terminal: "P1T1", sale: "S1", kind: .purchase,
            spiceAnswer: .approved(
                RecoveredResponse(
                    amount: Money(cents: 1250), userOverride: false,
                    hostResponseText: "APPROVED è è")),
            rawJSON: raw, recordedAt: Self.t0)
        let approved = try #require(first)
        #expect(try store.recordRecovery(approved) == approved)
        var later = Self.recovery("r1", answer: .declined, cents: 1)
        later.rawJSON = "{}"
        #expect(try store.recordRecovery(later) == approved)
        let stored = try store.recoveries()
        #expect(stored.count == 1)
        #expect(stored["r1"] == approved)
        #expect(stored["r1"]?.rawJSON == raw)
        #expect(
            stored["r1"]?.outcome
                == .approved(
                    RecoveredResponse(
                        amount: Money(cents: 1250), userOverride: false,
                        hostResponseText: "APPROVED è è")))
    }

    @Test func onlyFinalSpiceAnswersMakeARecord() {
        func record(_ answer: SpiceAnswer) -> StoredRecovery? {
            StoredRecovery(
                posRefId: "r", terminal: "T", sale: "S", kind: .moto, spiceAnswer: answer, rawJSON: "{}",
                recordedAt: Self.t0)
        }
        #expect(record(.running(reason: "x")) == nil)
        #expect(record(.notFound(reason: "x")) == nil)
        #expect(record(.retry(reason: "x")) == nil)
        let declined = RecoveredResponse(amount: nil, userOverride: true, hostResponseText: "DECLINED")
        #expect(record(.declined(declined))?.outcome == .declined(declined))
    }

    @Test func twoHundredConcurrentRecordingsAllLand() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.sqlite"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try store.recordRecovery(Self.recovery("r\(index)", cents: Int64(index))) }
            }
            try await group.waitForAll()
        }
        let stored = try store.recoveries()
        #expect(stored.count == 200)
        for index in 0..<200 {
            #expect(stored["r\(index)"] == Self.recovery("r\(index)", cents: Int64(index)))
        }
    }

    @Test func twoConnectionsWritingAtOnceNeverSurfaceBusy() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let stores = [try StateStore(path: path), try StateStore(path: path), try StateStore(path: path)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<150 {
                let store = stores[index % stores.count]
                group.addTask {
                    let key = PemDay(pem: "E\(index)", day: Self.day)
                    try store.beginSubmission(key, bodySHA256: "h\(index)", at: Self.t0)
                    try store.finishSubmission(key, status: .accepted, acubeId: "a\(index)", detail: nil, at: Self.t0)
                    try store.recordRecovery(Self.recovery("r\(index)"))
                    _ = try store.snapshot()
                }
            }
            try await group.waitForAll()
        }
        let reader = try StateStore(path: path)
        #expect(try reader.submissions().count == 150)
        #expect(
            try reader.submissions().allSatisfy { $0.status == .accepted && $0.acubeId == "a\($0.key.pem.dropFirst())" }
        )
        #expect(try reader.recoveries().count == 150)
        #expect(try reader.snapshot().submittedReports.count == 150)
    }

    // MARK: - Submissions exactly once

    @Test func beginIsIdempotentAndFinishRecordsTheOutcome() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.sqlite"))
        let key = PemDay(pem: "E001-000001", day: Self.day)
        let begun = try store.beginSubmission(key, bodySHA256: "first", at: Self.t0)
        #expect(
            begun
                == SubmissionRecord(
                    key: key, status: .pending, bodySHA256: "first", sentAt: Self.t0, createdAt: Self.t0,
                    updatedAt: Self.t0))
        let again = try store.beginSubmission(key, bodySHA256: "second", at: Self.t0.adding(seconds: 60))
        #expect(again == begun)
        let unknown = try store.finishSubmission(
            key, status: .unknown, acubeId: nil, detail: "timed out after 30 s", at: Self.t0.adding(seconds: 30))
        #expect(unknown.status == .unknown)
        #expect(unknown.detail == "timed out after 30 s")
        #expect(unknown.createdAt == Self.t0)
        #expect(unknown.updatedAt == Self.t0.adding(seconds: 30))
        #expect(try store.beginSubmission(key, bodySHA256: "third", at: Self.t0) == unknown)
        let present = try store.finishSubmission(
            key, status: .alreadyPresent, acubeId: "r-9", detail: "listed by A-Cube", at: Self.t0.adding(seconds: 90))
        #expect(present.status == .alreadyPresent)
        #expect(present.acubeId == "r-9")
        #expect(present.bodySHA256 == "first")
        #expect(try store.submission(key) == present)
    }

    @Test func aSuccessfulSubmissionIsNeverChangedOrSentAgain() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let store = try StateStore(path: path)
        let key = PemDay(pem: "E001-000001", day: Self.day)
        try store.beginSubmission(key, bodySHA256: "h", at: Self.t0)
        let accepted = try store.finishSubmission(key, status: .accepted, acubeId: "id-1", detail: nil, at: Self.t0)
        #expect(
            try store.finishSubmission(key, status: .alreadyPresent, acubeId: nil, detail: nil, at: Self.t0)
                == accepted)
        let downgrade = #expect(throws: StateStoreError.self) {
            try store.finishSubmission(key, status: .rejected, acubeId: nil, detail: "x", at: Self.t0)
        }
        #expect(downgrade?.kind == .refusedChange)
        #expect(
            downgrade?.description == path + ": the emergency report submission for E001-000001 2026-11-21 is "
                + "recorded as accepted: A-Cube holds it, so it is never sent or changed again (asked to mark it "
                + "rejected)")
        let restart = #expect(throws: StateStoreError.self) {
            try store.restartSubmission(key, bodySHA256: "h2", at: Self.t0)
        }
        #expect(restart?.kind == .refusedChange)
        #expect(try store.submission(key) == accepted)
    }

    @Test func finishingOrRestartingWithoutBeginIsRefused() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let store = try StateStore(path: path)
        let key = PemDay(pem: "E1", day: Self.day)
        let missing = #expect(throws: StateStoreError.self) {
            try store.finishSubmission(key, status: .accepted, acubeId: nil, detail: nil, at: Self.t0)
        }
        #expect(missing?.kind == .missingRecord)
        #expect(
            missing?.description == path + ": there is no record of the emergency report submission for "
                + "E1 2026-11-21: it must be begun (recorded as pending) before it is sent")
        #expect(throws: StateStoreError.self) { try store.restartJournalClose(key, at: Self.t0) }
        try store.beginSubmission(key, bodySHA256: "h", at: Self.t0)
        let pending = #expect(throws: StateStoreError.self) {
            try store.finishSubmission(key, status: .pending, acubeId: nil, detail: nil, at: Self.t0)
        }
        #expect(pending?.kind == .refusedChange)
        #expect(try store.submissions().isEmpty == false)
    }

    @Test func aRejectedSubmissionIsRestartedPendingWithTheNewBody() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.sqlite"))
        let key = PemDay(pem: "E1", day: Self.day)
        try store.beginSubmission(key, bodySHA256: "old", at: Self.t0)
        try store.finishSubmission(key, status: .rejected, acubeId: nil, detail: "422 entries[0]", at: Self.t0)
        let restarted = try store.restartSubmission(key, bodySHA256: "new", at: Self.t0.adding(seconds: 5))
        #expect(
            restarted
                == SubmissionRecord(
                    key: key, status: .pending, bodySHA256: "new", sentAt: Self.t0.adding(seconds: 5),
                    createdAt: Self.t0, updatedAt: Self.t0.adding(seconds: 5)))
        let window = PemInstant(pem: "E1", instant: Self.t0)
        try store.beginOfflinePeriod(window, end: Self.t0.adding(seconds: 60), at: Self.t0)
        try store.finishOfflinePeriod(window, status: .unknown, detail: nil, at: Self.t0)
        let period = try store.restartOfflinePeriod(window, end: Self.t0.adding(seconds: 120), at: Self.t0)
        #expect(period.status == .pending)
        #expect(period.end == Self.t0.adding(seconds: 120))
        try store.beginJournalClose(key, at: Self.t0)
        try store.finishJournalClose(key, status: .alreadyPresent, detail: "409: no open journal", at: Self.t0)
        #expect(try store.journalClose(key)?.status == .alreadyPresent)
        #expect(throws: StateStoreError.self) { try store.restartJournalClose(key, at: Self.t0) }
    }

    @Test func theSnapshotHoldsOnlyWhatAcubeHas() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.sqlite"))
        #expect(try store.snapshot().submittedReports.isEmpty)
        let statuses: [SubmissionStatus] = [.pending, .accepted, .alreadyPresent, .rejected, .unknown]
        for (index, status) in statuses.enumerated() {
            let key = PemDay(pem: "E\(index)", day: Self.day)
            try store.beginSubmission(key, bodySHA256: "h", at: Self.t0)
            let window = PemInstant(pem: "E\(index)", instant: Self.t0)
            try store.beginOfflinePeriod(window, end: Self.t0.adding(seconds: 60), at: Self.t0)
            let journal = PemDay(pem: "J\(index)", day: Self.day)
            try store.beginJournalClose(journal, at: Self.t0)
            if status != .pending {
                try store.finishSubmission(key, status: status, acubeId: nil, detail: nil, at: Self.t0)
                try store.finishOfflinePeriod(window, status: status, detail: nil, at: Self.t0)
                try store.finishJournalClose(journal, status: status, detail: nil, at: Self.t0)
            }
        }
        let snapshot = try store.snapshot()
        #expect(snapshot.submittedReports == [PemDay(pem: "E1", day: Self.day), PemDay(pem: "E2", day: Self.day)])
        #expect(
            snapshot.notifiedPeriods == [
                PemInstant(pem: "E1", instant: Self.t0), PemInstant(pem: "E2", instant: Self.t0),
            ])
        #expect(try store.submissions().map(\.status) == statuses)
        #expect(
            Set(snapshot.unsettledSubmissions.keys) == [
                PemDay(pem: "E0", day: Self.day), PemDay(pem: "E4", day: Self.day),
            ])
        #expect(
            snapshot.unsettledSubmissions[PemDay(pem: "E0", day: Self.day)]?.contains("has no settled outcome") == true)
    }

    // MARK: - Report ids

    @Test func reportIdsAreRecordedOnceAndAnOperatorsCoverageCountsAsCovered() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.sqlite"))
        let covering = KnownReport(
            pem: "E1", id: "1042", origin: .operator, day: Self.day, note: "checked at A-Cube", recordedAt: Self.t0)
        try store.recordReport(covering)
        #expect(try store.recordReport(covering) == covering, "recording the same again keeps it")
        var other = covering
        other.day = nil
        let refused = #expect(throws: StateStoreError.self) { try store.recordReport(other) }
        #expect(refused?.kind == .refusedChange)
        #expect(
            refused?.message == "emergency report 1042 of E1 is already recorded as recorded by an operator as "
                + "covering 2026-11-21: it is not changed")
        let baseline = (1...3).map {
            KnownReport(pem: "E2", id: String($0 * 7), origin: .baseline, day: nil, note: nil, recordedAt: Self.t0)
        }
        try store.recordReports(baseline)
        // All or none: one refused id leaves the others out too.
        #expect(throws: StateStoreError.self) {
            try store.recordReports([
                KnownReport(pem: "E3", id: "1", origin: .baseline, day: nil, note: nil, recordedAt: Self.t0), other,
            ])
        }
        #expect(try store.knownReports(pem: "E3").isEmpty)
        // Ids sort as numbers.
        #expect(try store.knownReports(pem: "E2").map(\.id) == ["7", "14", "21"])
        let snapshot = try store.snapshot()
        #expect(snapshot.submittedReports == [PemDay(pem: "E1", day: Self.day)], "a baseline covers no day")

        // An unsettled submission the operator's coverage names is not reported unsettled.
        try store.beginSubmission(PemDay(pem: "E1", day: Self.day), bodySHA256: "h", at: Self.t0)
        #expect(try store.snapshot().unsettledSubmissions.isEmpty)
        let refusedNotFiled = #expect(throws: StateStoreError.self) {
            try store.beginSubmission(PemDay(pem: "E2", day: Self.day), bodySHA256: "h", at: Self.t0)
            try store.finishSubmission(
                PemDay(pem: "E2", day: Self.day), status: .accepted, acubeId: "99", detail: nil, at: Self.t0)
            try store.markNotFiled(PemDay(pem: "E2", day: Self.day), note: "x", at: Self.t0)
        }
        #expect(refusedNotFiled?.kind == .refusedChange)
    }

    @Test func aSubmissionIsClaimedOnceAndReclaimedOnlyFromAFinalState() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let first = try StateStore(path: directory.file("state.sqlite"))
        let second = try StateStore(path: directory.file("state.sqlite"))
        let key = PemDay(pem: "E1", day: Self.day)
        let claimed = try first.claimSubmission(key, bodySHA256: "a", snapshot: ["7"], sentAt: Self.t0, at: Self.t0)
        #expect(claimed?.snapshot == ["7"])
        #expect(
            try second.claimSubmission(key, bodySHA256: "b", snapshot: [], sentAt: Self.t0, at: Self.t0) == nil,
            "another connection cannot claim it again")
        #expect(
            try second.reclaimSubmission(key, bodySHA256: "b", snapshot: [], sentAt: Self.t0, at: Self.t0) == nil,
            "nor take over a pending one")
        try first.finishSubmission(key, status: .rejected, acubeId: nil, detail: "422", at: Self.t0)
        let again = try second.reclaimSubmission(
            key, bodySHA256: "b", snapshot: ["7", "8"], sentAt: Self.t0, at: Self.t0)
        #expect(again?.status == .pending && again?.bodySHA256 == "b" && again?.snapshot == ["7", "8"])
        #expect(try first.reclaimSubmission(key, bodySHA256: "c", snapshot: [], sentAt: Self.t0, at: Self.t0) == nil)
    }

    @Test func oneRunAtATimeHoldsTheStoresLock() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let holder = StoreHolder(try StateStore.exclusive(path: path))
        #expect(holder.isHolding)
        let refused = #expect(throws: StateStoreError.self) { try StateStore.exclusive(path: path) }
        #expect(refused?.kind == .locked)
        #expect(
            refused?.message.contains("another quadra run is using the state store (process \(getpid()) since") == true)
        #expect(refused?.message.contains("--wait-for-lock") == true)
        // A reader that only looks (an offline run) does not need the lock.
        #expect(try StateStore.openExisting(path: path) != nil)
        // Released with the store; a waiting run gets it as soon as it is free.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { holder.release() }
        let waited = try StateStore.exclusive(path: path, wait: .seconds(20))
        #expect(waited != nil)
        #expect(!holder.isHolding)
        #expect(try StateStore.exclusive(path: directory.file("missing.sqlite"), createIfMissing: false) == nil)
    }

    @Test func aVersion1StoreIsMigratedKeepingEverySubmission() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        do {
            let raw = try SQLiteDatabase(path: path)
            try raw.execute(StateStoreSchema.migrations[0])
            try raw.execute(
                """
                INSERT INTO submission VALUES
                    ('E1', '2026-11-20', 'accepted', 'h1', 'uuid-report', NULL, 10, 20),
                    ('E1', '2026-11-21', 'unknown', 'h2', NULL, 'timed out', 30, 40),
                    ('E2', '2026-11-21', 'already_present', 'h3', NULL, 'found in the list', 50, 60);
                """)
        }
        let store = try StateStore(path: path)
        let records = try store.submissions()
        #expect(records.map(\.status) == [.accepted, .unknown, .alreadyPresent])
        #expect(records.map(\.snapshot) == [nil, nil, nil])
        #expect(records.map(\.sentAt) == [nil, Instant(millis: 40), nil])
        #expect(records[1].detail == "timed out")
        #expect(try store.knownReports().map(\.id) == ["uuid-report"])
        let snapshot = try store.snapshot()
        #expect(
            snapshot.submittedReports == [
                PemDay(pem: "E1", day: FiscalDay(year: 2026, month: 11, day: 20)), PemDay(pem: "E2", day: Self.day),
            ])
        #expect(Set(snapshot.unsettledSubmissions.keys) == [PemDay(pem: "E1", day: Self.day)])
        let header = try SQLiteDatabase(path: path).query("PRAGMA user_version").first?.first
        #expect(header == .integer(2))
    }

    // MARK: - Opening

    @Test func openExistingReturnsNilAndCreatesNothing() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        #expect(try StateStore.openExisting(path: path) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        _ = try StateStore(path: path)
        #expect(try StateStore.openExisting(path: path)?.snapshot().submittedReports.isEmpty == true)
    }

    @Test func anEmptyFileBecomesAStateStore() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try #require(try StateStore.openExisting(path: path))
        try store.beginJournalClose(PemDay(pem: "E1", day: Self.day), at: Self.t0)
        #expect(try store.journalCloses().count == 1)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedNamingThePath() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("hello.sqlite")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        let expected =
            path + ": not a Quadra state store: SQLite cannot read it (file is not a database). Pass the "
            + "state store's path with --state, or move this file aside so that quadra creates a new state store there."
        let created = #expect(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(created?.kind == .notAStateStore)
        #expect(created?.description == expected)
        let existing = #expect(throws: StateStoreError.self) { try StateStore.openExisting(path: path) }
        #expect(existing?.kind == .notAStateStore)
        #expect(existing?.description == expected)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello")
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("other.sqlite")
        do {
            let other = try SQLiteDatabase(path: path)
            try other.execute("CREATE TABLE notes (text TEXT)")
        }
        let error = #expect(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error?.kind == .notAStateStore)
        #expect(
            error?.description.hasPrefix(
                path + ": not a Quadra state store: it is an SQLite database of another "
                    + "application (application_id 0, user_version 0, 1 schema objects).") == true)
    }

    @Test func aNewerSchemaIsRefusedNamingThePath() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        do {
            let store = try StateStore(path: path)
            try store.recordRecovery(Self.recovery("r1"))
        }
        do {
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("PRAGMA user_version = 99")
        }
        let error = #expect(throws: StateStoreError.self) { try StateStore.openExisting(path: path) }
        #expect(error?.kind == .newerSchema)
        #expect(
            error?.description == path + ": the state store has schema version 99, newer than version 2 that "
                + "this quadra knows: run the newer quadra that wrote it. Keep the file: it records the submissions "
                + "already made to A-Cube.")
    }

    @Test func aMissingDirectoryCannotBeOpened() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("missing/state.sqlite")
        let error = #expect(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error?.kind == .cannotOpen)
        #expect(error?.description.hasPrefix(path + ": cannot open the state store: ") == true)
    }

    // MARK: - Crash safety

    @Test func anInterruptedTransactionLeavesNoTrace() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let key = PemDay(pem: "E1", day: Self.day)
        do {
            let store = try StateStore(path: path)
            try store.recordRecovery(Self.recovery("kept"))
        }
        do {
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("BEGIN IMMEDIATE")
            try raw.run(
                "INSERT INTO submission (pem, fiscal_day, status, body_sha256, created_at_ms, updated_at_ms) "
                    + "VALUES (?, ?, 'accepted', 'h', 0, 0)", [.text(key.pem), .text(key.day.description)])
            try raw.run("DELETE FROM recovery")
            raw.close()
        }
        let store = try #require(try StateStore.openExisting(path: path))
        #expect(try store.submission(key) == nil)
        #expect(try store.recoveries().keys.sorted() == ["kept"])
    }

    /// Runs this test binary again as a writer (see `StateStoreCrashWriter`), kills it with SIGKILL in the middle of
    /// its writes, three times over, and checks after each kill that the store opens cleanly, passes SQLite's
    /// integrity check, holds every write the writer had seen committed, and holds only complete records.
    @Test(.enabled(if: StateStoreCrashWriter.canSpawnItself), .timeLimit(.minutes(2)))
    func survivesSIGKILLInTheMiddleOfWrites() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        var committed = Set<Int>()
        for round in 0..<3 {
            let log = directory.file("committed-\(round).log")
            let writer = try StateStoreCrashWriter.spawn(state: path, log: log, output: directory.file("out-\(round)"))
            // Let it write a few dozen records (each call is a durable commit), then kill it at a varying moment.
            let deadline = Date().addingTimeInterval(60)
            while StateStoreCrashWriter.committed(log).count < 20 + round * 15, Date() < deadline, writer.isRunning {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(Int64(3 + round * 7)))
            if !writer.isRunning {
                let output = (try? String(contentsOfFile: directory.file("out-\(round)"), encoding: .utf8)) ?? ""
                Issue.record("the writer stopped by itself; its output:\n\(output)")
            }
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
            #expect(writer.terminationReason == .uncaughtSignal)
            #expect(writer.terminationStatus == SIGKILL)
            let seen = StateStoreCrashWriter.committed(log)
            #expect(seen.count >= 20 + round * 15)
            committed.formUnion(seen)

            let raw = try SQLiteDatabase(path: path)
            #expect(try raw.query("PRAGMA integrity_check") == [[.text("ok")]])
            raw.close()
            let store = try #require(try StateStore.openExisting(path: path))
            let recoveries = try store.recoveries()
            let submissions = Dictionary(
                uniqueKeysWithValues: try store.submissions().map { ($0.key.pem, $0) })
            for index in committed {
                #expect(recoveries[StateStoreCrashWriter.posRefId(index)] == StateStoreCrashWriter.recovery(index))
                #expect(submissions[StateStoreCrashWriter.pem(index)] == StateStoreCrashWriter.accepted(index))
            }
            // Whatever else is there was written whole: a record is all of one write or absent.
            for (posRefId, recovery) in recoveries {
                let index = try #require(StateStoreCrashWriter.index(posRefId: posRefId))
                #expect(recovery == StateStoreCrashWriter.recovery(index))
            }
            for (pem, submission) in submissions {
                let index = try #require(StateStoreCrashWriter.index(pem: pem))
                #expect(
                    submission == StateStoreCrashWriter.accepted(index)
                        || submission == StateStoreCrashWriter.pending(index))
            }
        }
    }
}

/// The writer half of the SIGKILL test. Spawned as this same test binary with `QUADRA_STATE_CRASH_WRITER` set, its
/// one test writes records in a loop until it is killed; each index goes to the log only after its writes returned.
/// Run normally (the variable unset), the test is skipped.
@Suite struct StateStoreCrashWriter {
    static let environmentKey = "QUADRA_STATE_CRASH_WRITER"
    static let logKey = "QUADRA_STATE_CRASH_WRITER_LOG"
    static let executable = "/proc/self/exe"

    /// This binary can run itself again only where `/proc/self/exe` exists (Linux).
    /// Never in the writer itself, so that a writer can never spawn writers.
    static var canSpawnItself: Bool {
        ProcessInfo.processInfo.environment[environmentKey] == nil
            && FileManager.default.isExecutableFile(atPath: executable)
    }

    static func posRefId(_ index: Int) -> String { "crash-\(index)" }
    static func pem(_ index: Int) -> String { "P\(index)" }
    static func index(posRefId: String) -> Int? { posRefId.hasPrefix("crash-") ? Int(posRefId.dropFirst(6)) : nil }
    static func index(pem: String) -> Int? { pem.hasPrefix("P") ? Int(pem.dropFirst()) : nil }

    /// A recovery whose every field, and a raw JSON body of some kilobytes, derive from `index`.
    static func recovery(_ index: Int) -> StoredRecovery {
        let filler = String(repeating: "\(index % 10)", count: 2_000 + index % 3_000)
        return StoredRecovery(
            posRefId: posRefId(index), terminal: "T\(index % 7)", sale: "S-\(index)",
            kind: AttemptKind.allCases[index % AttemptKind.allCases.count],
            answer: index % 2 == 0 ? .approved : .declined,
            amount: index % 5 == 0 ? nil : Money(cents: Int64(index) * 3), userOverride: index % 3 == 0,
            hostResponseText: "host \(index)", rawJSON: #"{"Response":{"i":\#(index),"pad":"\#(filler)"}}"#,
            recordedAt: Instant(millis: Int64(index)))
    }

    static func key(_ index: Int) -> PemDay { PemDay(pem: pem(index), day: FiscalDay(daysSinceEpoch: 20_000 + index)) }

    static func pending(_ index: Int) -> SubmissionRecord {
        SubmissionRecord(
            key: key(index), status: .pending, bodySHA256: String(repeating: "ab", count: 32),
            sentAt: Instant(millis: Int64(index)), createdAt: Instant(millis: Int64(index)),
            updatedAt: Instant(millis: Int64(index)))
    }

    static func accepted(_ index: Int) -> SubmissionRecord {
        var record = pending(index)
        record.status = .accepted
        record.acubeId = "acube-\(index)"
        record.detail = "accepted \(index)"
        record.updatedAt = Instant(millis: Int64(index) + 1)
        return record
    }

    /// The indices the writer logged as committed.
    static func committed(_ log: String) -> Set<Int> {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        // Only whole lines: the last one may be cut by the kill.
        return Set(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { Int($0) })
    }

    /// Runs this test binary again with only the writer test selected.
    static func spawn(state: String, log: String, output: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        process.arguments = ["--testing-library", "swift-testing", "--filter", "StateStoreCrashWriter"]
        var environment = ProcessInfo.processInfo.environment
        environment[environmentKey] = state
        environment[logKey] = log
        process.environment = environment
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Shown as skipped in a normal run: it is only the child process of `aKilledWriterLeavesAConsistentStore`.
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment[environmentKey] != nil,
            "the writer half of the SIGKILL test: runs only in the child process that test spawns"))
    func writeUntilKilled() throws {
        let environment = ProcessInfo.processInfo.environment
        let state = try #require(environment[Self.environmentKey])
        let log = try #require(environment[Self.logKey])
        let store = try StateStore(path: state)
        let descriptor = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        try #require(descriptor >= 0)
        var index = (try store.recoveries().keys.compactMap { Self.index(posRefId: $0) }.max() ?? -1) + 1
        let stop = Date().addingTimeInterval(90)  // never outlive a parent that died before killing it
        while Date() < stop {
            try store.recordRecovery(Self.recovery(index))
            let pending = Self.pending(index)
            try store.beginSubmission(pending.key, bodySHA256: pending.bodySHA256, at: pending.createdAt)
            let accepted = Self.accepted(index)
            try store.finishSubmission(
                accepted.key, status: .accepted, acubeId: accepted.acubeId, detail: accepted.detail,
                at: accepted.updatedAt)
            let line = Array("\(index)\n".utf8)
            _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            index += 1
        }
        close(descriptor)
    }
}

/// A state store another thread lets go of.
final class StoreHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var store: StateStore?

    init(_ store: StateStore?) { self.store = store }

    var isHolding: Bool { lock.withLock { store != nil } }

    func release() { lock.withLock { store = nil } }
}
