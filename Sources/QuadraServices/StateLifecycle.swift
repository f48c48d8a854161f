import QuadraCore

/// One table of changes sent to A-Cube (submissions, offline periods, journal closes), and the one way they all
/// move: begun `pending`, finished with an outcome, restarted `pending` when an unsuccessful one is sent again.
///
/// The SQL is constant per table and every value is bound. Placeholders come in a fixed order:
/// - `insert`: key…, extra…, created, updated
/// - `finish`: outcome fields…, updated, key…
/// - `restart`: extra…, updated, key…
struct StateLifecycle<Key, Record>: Sendable {
    /// What a record is, for messages: "the emergency report submission".
    let noun: String
    let selectOne: String
    let selectAll: String
    let insert: String
    let finish: String
    let restart: String
    let keyValues: @Sendable (Key) -> [SQLiteValue]
    let describe: @Sendable (Key) -> String
    let decode: @Sendable (SQLiteStatement, StateStore) throws -> Record
    let status: @Sendable (Record) -> SubmissionStatus

    func one(_ database: SQLiteDatabase, _ key: Key, store: StateStore) throws -> Record? {
        try rows(database, selectOne, keyValues(key), store: store).first
    }

    func all(_ database: SQLiteDatabase, store: StateStore) throws -> [Record] {
        try rows(database, selectAll, [], store: store)
    }

    private func rows(_ database: SQLiteDatabase, _ sql: String, _ values: [SQLiteValue], store: StateStore) throws
        -> [Record]
    {
        let statement = try database.prepare(sql)
        try statement.bind(values)
        var records: [Record] = []
        while try statement.step() {
            records.append(try decode(statement, store))
        }
        return records
    }

    /// Records `key` as pending unless a record exists; returns the record the store holds.
    func begin(_ database: SQLiteDatabase, _ key: Key, extra: [SQLiteValue], at: Instant, store: StateStore) throws
        -> Record
    {
        try claim(database, key, extra: extra, at: at, store: store).record
    }

    /// `begin`, saying whether this call made the record (false: one was there already, and is returned).
    func claim(_ database: SQLiteDatabase, _ key: Key, extra: [SQLiteValue], at: Instant, store: StateStore) throws
        -> (record: Record, inserted: Bool)
    {
        try database.transaction {
            if let existing = try one(database, key, store: store) { return (existing, false) }
            try database.run(insert, keyValues(key) + extra + [.integer(at.millis), .integer(at.millis)])
            return (try stored(database, key, store: store), true)
        }
    }

    /// Records the outcome of sending `key`. A successful record is kept as it is when the outcome is successful
    /// too, and refused otherwise.
    func finish(
        _ database: SQLiteDatabase, _ key: Key, outcome: SubmissionStatus, fields: [SQLiteValue], at: Instant,
        store: StateStore
    ) throws -> Record {
        guard outcome != .pending else {
            throw StateStoreError(
                path: store.path, kind: .refusedChange,
                message: "cannot finish \(noun) for \(describe(key)) as pending: finishing records an outcome "
                    + "(accepted, already_present, rejected or unknown)")
        }
        return try database.transaction {
            let existing = try stored(database, key, store: store)
            let current = status(existing)
            if current.isSuccessful {
                if outcome.isSuccessful { return existing }
                throw refusal(key, current: current, asked: "mark it \(outcome.rawValue)", store: store)
            }
            try database.run(finish, [.text(outcome.rawValue)] + fields + [.integer(at.millis)] + keyValues(key))
            return try stored(database, key, store: store)
        }
    }

    /// Records an unsuccessful `key` as pending again, before it is sent again.
    func restart(_ database: SQLiteDatabase, _ key: Key, extra: [SQLiteValue], at: Instant, store: StateStore) throws
        -> Record
    {
        try database.transaction {
            let existing = try stored(database, key, store: store)
            let current = status(existing)
            if current.isSuccessful {
                throw refusal(key, current: current, asked: "send it again", store: store)
            }
            try database.run(restart, extra + [.integer(at.millis)] + keyValues(key))
            return try stored(database, key, store: store)
        }
    }

    /// Records `key` as pending again only when its status is one of `from` (compare and set in one transaction);
    /// nil when it is not, and nothing changes.
    func reclaim(
        _ database: SQLiteDatabase, _ key: Key, from: Set<SubmissionStatus>, extra: [SQLiteValue], at: Instant,
        store: StateStore
    ) throws -> Record? {
        try database.transaction {
            let existing = try stored(database, key, store: store)
            guard from.contains(status(existing)), !status(existing).isSuccessful else { return nil }
            try database.run(restart, extra + [.integer(at.millis)] + keyValues(key))
            return try stored(database, key, store: store)
        }
    }

    private func stored(_ database: SQLiteDatabase, _ key: Key, store: StateStore) throws -> Record {
        guard let record = try one(database, key, store: store) else {
            throw StateStoreError(
                path: store.path, kind: .missingRecord,
                message: "there is no record of \(noun) for \(describe(key)): it must be begun (recorded as pending) "
                    + "before it is sent")
        }
        return record
    }

    private func refusal(_ key: Key, current: SubmissionStatus, asked: String, store: StateStore) -> StateStoreError {
        StateStoreError(
            path: store.path, kind: .refusedChange,
            message: "\(noun) for \(describe(key)) is recorded as \(current.rawValue): A-Cube holds it, so it is "
                + "never sent or changed again (asked to \(asked))")
    }
}

/// A list of report ids as the store keeps it: a JSON array of strings.
enum ReportIdList {
    static func encode(_ ids: [String]) -> String {
        "[" + ids.map(JSONText.quoted).joined(separator: ",") + "]"
    }

    static func decode(_ text: String) -> [String]? {
        guard let value = try? JSONParser.parse(Array(text.utf8)), let items = value.arrayValue else { return nil }
        var ids: [String] = []
        for item in items {
            guard let id = item.stringValue else { return nil }
            ids.append(id)
        }
        return ids
    }
}

/// The three tables of changes sent to A-Cube.
enum StateTables {
    /// Reads a status column, refusing a value this quadra does not know.
    static func status(_ statement: SQLiteStatement, at index: Int32, noun: String, key: String, store: StateStore)
        throws -> SubmissionStatus
    {
        let text = statement.text(at: index)
        guard let status = SubmissionStatus(rawValue: text) else {
            throw StateStoreError(
                path: store.path, kind: .invalidData,
                message: "\(noun) for \(key) holds status '\(text)', which this quadra does not know")
        }
        return status
    }

    /// Reads a fiscal day column, refusing text that is not `YYYY-MM-DD`.
    static func day(_ statement: SQLiteStatement, at index: Int32, noun: String, pem: String, store: StateStore)
        throws -> FiscalDay
    {
        let text = statement.text(at: index)
        guard let day = FiscalDay.parse(text) else {
            throw StateStoreError(
                path: store.path, kind: .invalidData,
                message: "\(noun) for \(pem) holds the fiscal day '\(text)', which is not a YYYY-MM-DD date")
        }
        return day
    }

    /// "E001-000001 2026-11-21".
    static func describe(_ key: PemDay) -> String { "\(key.pem) \(key.day)" }

    /// "E001-000001 from 2026-11-21T18:02:00Z".
    static func describe(_ key: PemInstant) -> String { "\(key.pem) from \(key.instant.utcString)" }

    static let submission = StateLifecycle<PemDay, SubmissionRecord>(
        noun: "the emergency report submission",
        selectOne: """
            SELECT pem, fiscal_day, status, body_sha256, acube_id, detail, snapshot, sent_at_ms, created_at_ms,
                updated_at_ms
            FROM submission WHERE pem = ? AND fiscal_day = ?
            """,
        selectAll: """
            SELECT pem, fiscal_day, status, body_sha256, acube_id, detail, snapshot, sent_at_ms, created_at_ms,
                updated_at_ms
            FROM submission ORDER BY pem, fiscal_day
            """,
        insert: """
            INSERT INTO submission (pem, fiscal_day, body_sha256, snapshot, sent_at_ms, status, created_at_ms,
                updated_at_ms)
            VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
            """,
        finish: """
            UPDATE submission SET status = ?, acube_id = ?, detail = ?, updated_at_ms = ?
            WHERE pem = ? AND fiscal_day = ?
            """,
        restart: """
            UPDATE submission SET status = 'pending', body_sha256 = ?, snapshot = ?, sent_at_ms = ?, acube_id = NULL,
                detail = NULL, updated_at_ms = ?
            WHERE pem = ? AND fiscal_day = ?
            """,
        keyValues: { [.text($0.pem), .text($0.day.description)] },
        describe: { describe($0) },
        decode: { statement, store in
            let noun = "the emergency report submission"
            let pem = statement.text(at: 0)
            let day = try day(statement, at: 1, noun: noun, pem: pem, store: store)
            let snapshotText = statement.optionalText(at: 6)
            let snapshot = try snapshotText.map { text in
                guard let ids = ReportIdList.decode(text) else {
                    throw StateStoreError(
                        path: store.path, kind: .invalidData,
                        message: "\(noun) for \(pem) \(day) holds a snapshot of report ids that is not a JSON array "
                            + "of strings")
                }
                return ids
            }
            return SubmissionRecord(
                key: PemDay(pem: pem, day: day),
                status: try status(statement, at: 2, noun: noun, key: "\(pem) \(day)", store: store),
                bodySHA256: statement.text(at: 3), acubeId: statement.optionalText(at: 4),
                detail: statement.optionalText(at: 5), snapshot: snapshot,
                sentAt: statement.optionalInt64(at: 7).map { Instant(millis: $0) },
                createdAt: Instant(millis: statement.int64(at: 8)), updatedAt: Instant(millis: statement.int64(at: 9)))
        },
        status: { $0.status })

    static let offlinePeriod = StateLifecycle<PemInstant, OfflinePeriodRecord>(
        noun: "the offline period notification",
        selectOne: """
            SELECT pem, window_start_ms, window_end_ms, status, detail, created_at_ms, updated_at_ms
            FROM offline_period WHERE pem = ? AND window_start_ms = ?
            """,
        selectAll: """
            SELECT pem, window_start_ms, window_end_ms, status, detail, created_at_ms, updated_at_ms
            FROM offline_period ORDER BY pem, window_start_ms
            """,
        insert: """
            INSERT INTO offline_period (pem, window_start_ms, window_end_ms, status, created_at_ms, updated_at_ms)
            VALUES (?, ?, ?, 'pending', ?, ?)
            """,
        finish: """
            UPDATE offline_period SET status = ?, detail = ?, updated_at_ms = ?
            WHERE pem = ? AND window_start_ms = ?
            """,
        restart: """
            UPDATE offline_period SET status = 'pending', window_end_ms = ?, detail = NULL, updated_at_ms = ?
            WHERE pem = ? AND window_start_ms = ?
            """,
        keyValues: { [.text($0.pem), .integer($0.instant.millis)] },
        describe: { describe($0) },
        decode: { statement, store in
            let key = PemInstant(pem: statement.text(at: 0), instant: Instant(millis: statement.int64(at: 1)))
            return OfflinePeriodRecord(
                key: key, end: Instant(millis: statement.int64(at: 2)),
                status: try status(
                    statement, at: 3, noun: "the offline period notification", key: describe(key), store: store),
                detail: statement.optionalText(at: 4), createdAt: Instant(millis: statement.int64(at: 5)),
                updatedAt: Instant(millis: statement.int64(at: 6)))
        },
        status: { $0.status })

    static let journalClose = StateLifecycle<PemDay, JournalCloseRecord>(
        noun: "the journal close",
        selectOne: """
            SELECT pem, fiscal_day, status, detail, created_at_ms, updated_at_ms
            FROM journal_close WHERE pem = ? AND fiscal_day = ?
            """,
        selectAll: """
            SELECT pem, fiscal_day, status, detail, created_at_ms, updated_at_ms
            FROM journal_close ORDER BY pem, fiscal_day
            """,
        insert: """
            INSERT INTO journal_close (pem, fiscal_day, status, created_at_ms, updated_at_ms)
            VALUES (?, ?, 'pending', ?, ?)
            """,
        finish: """
            UPDATE journal_close SET status = ?, detail = ?, updated_at_ms = ?
            WHERE pem = ? AND fiscal_day = ?
            """,
        restart: """
            UPDATE journal_close SET status = 'pending', detail = NULL, updated_at_ms = ?
            WHERE pem = ? AND fiscal_day = ?
            """,
        keyValues: { [.text($0.pem), .text($0.day.description)] },
        describe: { describe($0) },
        decode: { statement, store in
            let noun = "the journal close"
            let pem = statement.text(at: 0)
            let day = try day(statement, at: 1, noun: noun, pem: pem, store: store)
            return JournalCloseRecord(
                key: PemDay(pem: pem, day: day),
                status: try status(statement, at: 2, noun: noun, key: "\(pem) \(day)", store: store),
                detail: statement.optionalText(at: 3), createdAt: Instant(millis: statement.int64(at: 4)),
                updatedAt: Instant(millis: statement.int64(at: 5)))
        },
        status: { $0.status })
}
