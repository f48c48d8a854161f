import QuadraCore

// Changes sent to A-Cube, each exactly once (apis.md): `begin…` before the request, `finish…` after it, and after
// an unknown outcome (a record still `pending`, or `unknown`) list at A-Cube before `restart…` and sending again.

extension StateStore {
    // MARK: - Emergency report submissions, by (PEM, fiscal day)

    /// The submission recorded for `key`, if any.
    public func submission(_ key: PemDay) throws -> SubmissionRecord? {
        try withDatabase("read the emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.one(database, key, store: self)
        }
    }

    /// Records the submission for `key` as `pending` before it is sent, with the ids A-Cube listed for the PEM just
    /// before (`snapshot`; nil when no list could be taken) and when it is sent (`sentAt`, default `at`). When a
    /// record exists it is returned unchanged: look at its status before sending anything.
    @discardableResult
    public func beginSubmission(
        _ key: PemDay, bodySHA256: String, snapshot: [String]? = nil, sentAt: Instant? = nil, at: Instant
    ) throws -> SubmissionRecord {
        try withDatabase("record the emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.begin(
                database, key, extra: Self.submissionExtra(bodySHA256, snapshot, sentAt ?? at), at: at, store: self)
        }
    }

    /// Records the outcome of sending the submission for `key`. A submission recorded as accepted or already present
    /// is never changed: finishing it again as successful keeps it, as anything else is refused. A successful outcome
    /// with A-Cube's id also records that id as the report covering (PEM, day), in the same transaction.
    @discardableResult
    public func finishSubmission(
        _ key: PemDay, status: SubmissionStatus, acubeId: String?, detail: String?, at: Instant
    ) throws -> SubmissionRecord {
        try withDatabase("record the outcome of the emergency report submission for \(key.pem) \(key.day)") {
            database in
            try database.transaction {
                let record = try StateTables.submission.finish(
                    database, key, outcome: status,
                    fields: [acubeId.map(SQLiteValue.text) ?? .null, detail.map(SQLiteValue.text) ?? .null], at: at,
                    store: self)
                if record.status.isSuccessful, let id = record.acubeId, !id.isEmpty {
                    try database.run(
                        """
                        INSERT INTO acube_report (pem, report_id, origin, fiscal_day, note, recorded_at_ms)
                        VALUES (?, ?, 'submitted', ?, ?, ?)
                        ON CONFLICT (pem, report_id) DO NOTHING
                        """,
                        [
                            .text(key.pem), .text(id), .text(key.day.description),
                            .text("the emergency report Quadra submitted for \(key.day)"), .integer(at.millis),
                        ])
                }
                return record
            }
        }
    }

    /// Records an unsuccessful submission (rejected, unknown, not filed, or pending after a crash) as `pending` again,
    /// with the body about to be sent and a fresh `snapshot`. Call it only once A-Cube's list showed that the report
    /// is not there (or A-Cube refused it).
    @discardableResult
    public func restartSubmission(
        _ key: PemDay, bodySHA256: String, snapshot: [String]? = nil, sentAt: Instant? = nil, at: Instant
    ) throws -> SubmissionRecord {
        try withDatabase("record the new emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.restart(
                database, key, extra: Self.submissionExtra(bodySHA256, snapshot, sentAt ?? at), at: at, store: self)
        }
    }

    /// Records the submission for `key` as pending, with the list taken before it and when it is sent, only if no
    /// record of it exists: the caller may send it only when this returns a record. Nil means another run (or an
    /// earlier one) holds a record of it: look at that before anything is sent.
    public func claimSubmission(
        _ key: PemDay, bodySHA256: String, snapshot: [String]?, sentAt: Instant, at: Instant
    ) throws -> SubmissionRecord? {
        try withDatabase("record the emergency report submission for \(key.pem) \(key.day)") { database in
            let claimed = try StateTables.submission.claim(
                database, key, extra: Self.submissionExtra(bodySHA256, snapshot, sentAt), at: at, store: self)
            return claimed.inserted ? claimed.record : nil
        }
    }

    /// Records a refused or not-filed submission as pending again, with the body and list about to be sent, only if it
    /// is still in one of those states (compare and set): nil when another run changed it meanwhile.
    public func reclaimSubmission(
        _ key: PemDay, bodySHA256: String, snapshot: [String]?, sentAt: Instant, at: Instant
    ) throws -> SubmissionRecord? {
        try withDatabase("record the new emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.reclaim(
                database, key, from: [.rejected, .notFiled], extra: Self.submissionExtra(bodySHA256, snapshot, sentAt),
                at: at, store: self)
        }
    }

    /// An operator's word that an unsettled submission never reached A-Cube: it becomes `not_filed`, and a later
    /// run may send it again. Refused for a submission A-Cube holds.
    @discardableResult
    public func markNotFiled(_ key: PemDay, note: String, at: Instant) throws -> SubmissionRecord {
        try withDatabase("record that the emergency report for \(key.pem) \(key.day) was not filed") { database in
            try StateTables.submission.finish(
                database, key, outcome: .notFiled, fields: [.null, .text(note)], at: at, store: self)
        }
    }

    private static func submissionExtra(_ sha: String, _ snapshot: [String]?, _ sentAt: Instant) -> [SQLiteValue] {
        [.text(sha), snapshot.map { .text(ReportIdList.encode($0)) } ?? .null, .integer(sentAt.millis)]
    }

    /// Every submission, by PEM and fiscal day.
    public func submissions() throws -> [SubmissionRecord] {
        try withDatabase("read the emergency report submissions") { database in
            try StateTables.submission.all(database, store: self)
        }
    }

    // MARK: - Report ids the store knows

    /// Every report id the store knows, for `pem` or for every PEM, by PEM and id.
    public func knownReports(pem: String? = nil) throws -> [KnownReport] {
        try withDatabase("read the emergency report ids the state store knows") { database in
            try Self.fetchKnownReports(database, pem: pem, store: self)
        }
    }

    /// Records what an emergency report id covers. Recording the same again keeps the first record; recording an
    /// id the store already knows as something else is refused, naming what it is recorded as.
    @discardableResult
    public func recordReport(_ report: KnownReport) throws -> KnownReport {
        try withDatabase("record emergency report \(report.id) of \(report.pem)") { database in
            try database.transaction { try insertReport(database, report) }
        }
    }

    /// Records several reports in one transaction: all of them, or none when one is refused.
    public func recordReports(_ reports: [KnownReport]) throws {
        try withDatabase("record \(reports.count) emergency report ids") { database in
            try database.transaction {
                for report in reports { try insertReport(database, report) }
            }
        }
    }

    private func insertReport(_ database: SQLiteDatabase, _ report: KnownReport) throws -> KnownReport {
        if let existing = try Self.fetchKnownReports(database, pem: report.pem, store: self)
            .first(where: { $0.id == report.id })
        {
            if existing.origin == report.origin, existing.day == report.day { return existing }
            throw StateStoreError(
                path: path, kind: .refusedChange,
                message: "emergency report \(report.id) of \(report.pem) is already recorded as "
                    + Self.describe(existing) + ": it is not changed")
        }
        try database.run(
            """
            INSERT INTO acube_report (pem, report_id, origin, fiscal_day, note, recorded_at_ms)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .text(report.pem), .text(report.id), .text(report.origin.rawValue),
                report.day.map { .text($0.description) } ?? .null, report.note.map(SQLiteValue.text) ?? .null,
                .integer(report.recordedAt.millis),
            ])
        return report
    }

    /// "submitted by Quadra for 2026-11-21", "taken in the baseline (before Quadra)", "recorded by an operator as
    /// covering nothing Quadra sends".
    public static func describe(_ report: KnownReport) -> String {
        let covers = report.day.map { "covering \($0)" } ?? "covering nothing Quadra sends"
        switch report.origin {
        case .submitted: return "submitted by Quadra for \(report.day.map(\.description) ?? "an unknown day")"
        case .baseline: return "existing before Quadra (baseline)"
        case .operator: return "recorded by an operator as \(covers)"
        }
    }

    static func fetchKnownReports(_ database: SQLiteDatabase, pem: String?, store: StateStore) throws -> [KnownReport] {
        let statement = try database.prepare(
            """
            SELECT pem, report_id, origin, fiscal_day, note, recorded_at_ms FROM acube_report
            WHERE ?1 IS NULL OR pem = ?1 ORDER BY pem, length(report_id), report_id
            """)
        try statement.bind([pem.map(SQLiteValue.text) ?? .null])
        var reports: [KnownReport] = []
        while try statement.step() {
            let pem = statement.text(at: 0)
            let id = statement.text(at: 1)
            let originText = statement.text(at: 2)
            guard let origin = KnownReport.Origin(rawValue: originText) else {
                throw StateStoreError(
                    path: store.path, kind: .invalidData,
                    message: "emergency report \(id) of \(pem) holds origin '\(originText)', which this quadra does "
                        + "not know")
            }
            let day =
                statement.isNull(at: 3)
                ? nil : try StateTables.day(statement, at: 3, noun: "emergency report \(id)", pem: pem, store: store)
            reports.append(
                KnownReport(
                    pem: pem, id: id, origin: origin, day: day, note: statement.optionalText(at: 4),
                    recordedAt: Instant(millis: statement.int64(at: 5))))
        }
        return reports
    }

    // MARK: - Offline period notifications, by (PEM, client window start)

    /// The notification recorded for the window starting at `key`, if any.
    public func offlinePeriod(_ key: PemInstant) throws -> OfflinePeriodRecord? {
        try withDatabase("read the offline period notification for \(key.pem) from \(key.instant.utcString)") {
            database in
            try StateTables.offlinePeriod.one(database, key, store: self)
        }
    }

    /// Records the notification of the window `key`…`end` as `pending` before it is sent. When a record exists it
    /// is returned unchanged.
    @discardableResult
    public func beginOfflinePeriod(_ key: PemInstant, end: Instant, at: Instant) throws -> OfflinePeriodRecord {
        try withDatabase("record the offline period notification for \(key.pem) from \(key.instant.utcString)") {
            database in
            try StateTables.offlinePeriod.begin(database, key, extra: [.integer(end.millis)], at: at, store: self)
        }
    }

    /// Records the outcome of notifying the window `key`; a successful record is never changed.
    @discardableResult
    public func finishOfflinePeriod(_ key: PemInstant, status: SubmissionStatus, detail: String?, at: Instant) throws
        -> OfflinePeriodRecord
    {
        try withDatabase(
            "record the outcome of the offline period notification for \(key.pem) from \(key.instant.utcString)"
        ) { database in
            try StateTables.offlinePeriod.finish(
                database, key, outcome: status, fields: [detail.map(SQLiteValue.text) ?? .null], at: at, store: self)
        }
    }

    /// Records an unsuccessful notification as `pending` again, with the window end about to be sent.
    @discardableResult
    public func restartOfflinePeriod(_ key: PemInstant, end: Instant, at: Instant) throws -> OfflinePeriodRecord {
        try withDatabase(
            "record the new offline period notification for \(key.pem) from \(key.instant.utcString)"
        ) { database in
            try StateTables.offlinePeriod.restart(database, key, extra: [.integer(end.millis)], at: at, store: self)
        }
    }

    /// Every offline period notification, by PEM and window start.
    public func offlinePeriods() throws -> [OfflinePeriodRecord] {
        try withDatabase("read the offline period notifications") { database in
            try StateTables.offlinePeriod.all(database, store: self)
        }
    }

    // MARK: - Journal closes, by (PEM, fiscal day)

    /// The journal close recorded for `key`, if any.
    public func journalClose(_ key: PemDay) throws -> JournalCloseRecord? {
        try withDatabase("read the journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.one(database, key, store: self)
        }
    }

    /// Records the journal close for `key` as `pending` before it is requested. When a record exists it is returned
    /// unchanged.
    @discardableResult
    public func beginJournalClose(_ key: PemDay, at: Instant) throws -> JournalCloseRecord {
        try withDatabase("record the journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.begin(database, key, extra: [], at: at, store: self)
        }
    }

    /// Records the outcome of the journal close for `key` (a 409 "no open journal" is `alreadyPresent`); a
    /// successful record is never changed.
    @discardableResult
    public func finishJournalClose(_ key: PemDay, status: SubmissionStatus, detail: String?, at: Instant) throws
        -> JournalCloseRecord
    {
        try withDatabase("record the outcome of the journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.finish(
                database, key, outcome: status, fields: [detail.map(SQLiteValue.text) ?? .null], at: at, store: self)
        }
    }

    /// Records an unsuccessful journal close as `pending` again, before it is requested again.
    @discardableResult
    public func restartJournalClose(_ key: PemDay, at: Instant) throws -> JournalCloseRecord {
        try withDatabase("record the new journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.restart(database, key, extra: [], at: at, store: self)
        }
    }

    /// Every journal close, by PEM and fiscal day.
    public func journalCloses() throws -> [JournalCloseRecord] {
        try withDatabase("read the journal closes") { database in
            try StateTables.journalClose.all(database, store: self)
        }
    }
}
