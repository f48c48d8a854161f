import CSQLite
import Foundation
import QuadraCore

/// What Quadra remembers between runs, in one SQLite file (`--state`, default `quadra-state.sqlite`): Spice's
/// final answers about recovered attempts, and every change sent to A-Cube (emergency reports, offline periods,
/// journal closes), so that none is ever sent twice.
///
/// The file survives a kill at any moment: WAL journal mode, `synchronous=FULL`, and every write is one
/// transaction committed before the call returns. Keep the `-wal` and `-shm` files beside it. The store is safe to
/// call from concurrent tasks (one connection behind a lock) and from several processes (a 5 s busy timeout).
///
/// Sending a change exactly once (apis.md): `begin…` records it `pending` before the request; `finish…` records
/// the outcome after it. A record found `pending` or `unknown` means the outcome is unknown: list at A-Cube first,
/// then `finish…` (`alreadyPresent`) or `restart…` and send again. A successful record never changes again.
///
/// Every method throws `StateStoreError`.
public final class StateStore: @unchecked Sendable {
    /// The state store file.
    public let path: String
    private let database: SQLiteDatabase
    private let lock = NSLock()
    /// The run's hold on the store, for a store opened with `exclusive`.
    private var runLock: StateStoreLock?

    /// How long a write waits for another process holding the file.
    static let busyTimeoutMilliseconds: Int32 = 5000

    /// Opens the state store at `path`, creating the file and its schema when missing. Refuses a file that is not
    /// a Quadra state store, or whose schema is newer than this code knows.
    public convenience init(path: String) throws {
        try self.init(path: path, mode: .readWriteCreate)
    }

    /// Opens the state store at `path` for this run alone: takes its lock first (waiting up to `wait`), and keeps it
    /// until the store is released. A second run on the same store gets a `.locked` error naming the first.
    public static func exclusive(path: String, wait: Duration = .zero, createIfMissing: Bool = true) throws
        -> StateStore?
    {
        if !createIfMissing, !FileManager.default.fileExists(atPath: path) { return nil }
        let hold = try StateStoreLock.acquire(statePath: path, wait: wait)
        let store = try StateStore(path: path, mode: createIfMissing ? .readWriteCreate : .readWrite)
        store.runLock = hold
        return store
    }

    /// Opens an existing state store; nil when no file is at `path` (offline runs must not create one).
    public static func openExisting(path: String) throws -> StateStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try StateStore(path: path, mode: .readWrite)
    }

    private init(path: String, mode: SQLiteDatabase.OpenMode) throws {
        self.path = path
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: path, mode: mode)
        } catch {
            throw StateStoreError(
                path: path, kind: .cannotOpen,
                message: "cannot open the state store: \(error.message). Check that its directory exists and is "
                    + "writable, or pass another file with --state.",
                sqliteCode: error.code)
        }
        do {
            try database.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds)
            let header = try StateStoreSchema.header(database)
            if let refusal = StateStoreSchema.refusal(header, path: path) { throw refusal }
            let journalMode = try database.query("PRAGMA journal_mode = WAL").first?.first
            guard journalMode == .text("wal") else {
                throw StateStoreError(
                    path: path, kind: .database,
                    message: "cannot switch the state store to WAL journal mode (SQLite kept \(journalMode ?? .null)): "
                        + "put it on a local file system.")
            }
            try database.execute("PRAGMA synchronous = FULL")
            if header.userVersion < StateStoreSchema.version {
                try database.transaction {
                    // Another process may have created or migrated the file since the header was read.
                    let current = try StateStoreSchema.header(database)
                    if let refusal = StateStoreSchema.refusal(current, path: path) { throw refusal }
                    for migration in StateStoreSchema.migrations.dropFirst(Int(current.userVersion)) {
                        try database.execute(migration)
                    }
                }
            }
        } catch let error as SQLiteError {
            throw Self.openingError(error, path: path)
        }
        self.database = database
    }

    /// The error for a failure while opening: an unreadable file is not a state store; anything else is SQLite's.
    private static func openingError(_ error: SQLiteError, path: String) -> StateStoreError {
        switch error.primaryCode {
        case SQLITE_NOTADB:
            StateStoreError(
                path: path, kind: .notAStateStore,
                message: "not a Quadra state store: SQLite cannot read it (\(error.message)). "
                    + StateStoreSchema.remedy,
                sqliteCode: error.code)
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY:
            StateStoreError(
                path: path, kind: .cannotOpen,
                message: "cannot open the state store: \(error.message). Check that the file and its directory are "
                    + "writable, or pass another file with --state.",
                sqliteCode: error.code)
        default:
            databaseError(error, path: path, action: "open the state store")
        }
    }

    /// The error for SQLite failing at `action`.
    static func databaseError(_ error: SQLiteError, path: String, action: String) -> StateStoreError {
        var message = "could not \(action): \(error.message) (SQLite error \(error.code))"
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED:
            message +=
                ". Another process held the state store for more than \(busyTimeoutMilliseconds / 1000) s: "
                + "run again when it has finished."
        case SQLITE_CORRUPT:
            message +=
                ". The file is damaged: restore it from a backup (it records the submissions already made "
                + "to A-Cube, so do not just delete it)."
        case SQLITE_FULL, SQLITE_IOERR:
            message += ". Check the disk."
        default:
            break
        }
        return StateStoreError(path: path, kind: .database, message: message, sqliteCode: error.code)
    }

    /// Runs `body` on the connection, holding the lock; SQLite failures become `StateStoreError`s naming `action`.
    func withDatabase<T>(_ action: @autoclosure () -> String, _ body: (SQLiteDatabase) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body(database)
        } catch let error as SQLiteError {
            throw Self.databaseError(error, path: path, action: action())
        }
    }

    // MARK: - Spice recoveries

    /// Stores a final Spice answer unless one is already stored for its posRefId: a stored answer is never
    /// overwritten. Returns the answer the store holds (the first one).
    @discardableResult
    public func recordRecovery(_ recovery: StoredRecovery) throws -> StoredRecovery {
        try withDatabase("record the Spice answer for posRefId \(recovery.posRefId)") { database in
            try database.transaction {
                let inserted = try database.run(
                    """
                    INSERT INTO recovery (pos_ref_id, terminal, sale, kind, answer, amount_cents, user_override,
                        host_response_text, raw_json, recorded_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (pos_ref_id) DO NOTHING
                    """,
                    [
                        .text(recovery.posRefId), .text(recovery.terminal), .text(recovery.sale),
                        .text(recovery.kind.rawValue), .text(recovery.answer.rawValue),
                        recovery.amount.map { .integer($0.cents) } ?? .null, .integer(recovery.userOverride ? 1 : 0),
                        recovery.hostResponseText.map(SQLiteValue.text) ?? .null, .text(recovery.rawJSON),
                        .integer(recovery.recordedAt.millis),
                    ])
                if inserted == 1 { return recovery }
                let stored = try fetchRecoveries(database, posRefId: recovery.posRefId)
                guard let first = stored.first else {
                    throw StateStoreError(
                        path: path, kind: .invalidData,
                        message: "the Spice answer for posRefId \(recovery.posRefId) was neither stored nor found")
                }
                return first
            }
        }
    }

    /// Every stored Spice answer, by posRefId.
    public func recoveries() throws -> [String: StoredRecovery] {
        try withDatabase("read the stored Spice answers") { database in
            let all = try fetchRecoveries(database, posRefId: nil)
            return Dictionary(all.map { ($0.posRefId, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    private static let selectRecoveries = """
        SELECT pos_ref_id, terminal, sale, kind, answer, amount_cents, user_override, host_response_text, raw_json,
            recorded_at_ms
        FROM recovery ORDER BY pos_ref_id
        """

    private static let selectRecovery = """
        SELECT pos_ref_id, terminal, sale, kind, answer, amount_cents, user_override, host_response_text, raw_json,
            recorded_at_ms
        FROM recovery WHERE pos_ref_id = ?
        """

    /// The answer stored for `posRefId`, or every answer when it is nil.
    private func fetchRecoveries(_ database: SQLiteDatabase, posRefId: String?) throws -> [StoredRecovery] {
        let statement = try database.prepare(posRefId == nil ? Self.selectRecoveries : Self.selectRecovery)
        try statement.bind(posRefId.map { [.text($0)] } ?? [])
        var records: [StoredRecovery] = []
        while try statement.step() {
            let posRefId = statement.text(at: 0)
            let kindText = statement.text(at: 3)
            let answerText = statement.text(at: 4)
            guard let kind = AttemptKind(rawValue: kindText), let answer = StoredRecovery.Answer(rawValue: answerText)
            else {
                throw StateStoreError(
                    path: path, kind: .invalidData,
                    message: "the Spice answer for posRefId \(posRefId) holds kind '\(kindText)' and answer "
                        + "'\(answerText)', which this quadra does not know")
            }
            records.append(
                StoredRecovery(
                    posRefId: posRefId, terminal: statement.text(at: 1), sale: statement.text(at: 2), kind: kind,
                    answer: answer, amount: statement.optionalInt64(at: 5).map(Money.init(cents:)),
                    userOverride: statement.int64(at: 6) != 0, hostResponseText: statement.optionalText(at: 7),
                    rawJSON: statement.text(at: 8), recordedAt: Instant(millis: statement.int64(at: 9))))
        }
        return records
    }

    // MARK: - What the reconciliation needs

    /// The `SUBMISSION_UNCERTAIN` detail of a submission whose outcome is not settled.
    static func unsettledDetail(_ record: SubmissionRecord) -> String {
        let sent = record.sentAt.map { " sent at \($0.utcString)" } ?? ""
        let why = record.detail.map { ": \($0)" } ?? " (the run that sent it ended before A-Cube answered)"
        return "the emergency report for \(record.key.pem) \(record.key.day)\(sent) has no settled outcome\(why); "
            + "a run with --submit lists A-Cube's reports to settle it, and nothing more is sent for \(record.key.pem) "
            + "until then"
    }

    /// The emergency reports A-Cube holds (`accepted` or `alreadyPresent`) and the offline periods notified to it,
    /// read in one consistent transaction.
    public func snapshot() throws -> StateSnapshot {
        try withDatabase("read the submitted reports, notified offline periods and closed journals") { database in
            try database.transaction(.deferred) {
                let submissions = try StateTables.submission.all(database, store: self)
                var covered = Set(submissions.filter { $0.status.isSuccessful }.map(\.key))
                for report in try Self.fetchKnownReports(database, pem: nil, store: self) {
                    if let day = report.day { covered.insert(PemDay(pem: report.pem, day: day)) }
                }
                var unsettled: [PemDay: String] = [:]
                for record in submissions where record.status.isUnsettled && !covered.contains(record.key) {
                    unsettled[record.key] = Self.unsettledDetail(record)
                }
                let periods = try StateTables.offlinePeriod.all(database, store: self)
                    .filter { $0.status.isSuccessful }.map(\.key)
                let journals = try StateTables.journalClose.all(database, store: self)
                    .filter { $0.status.isSuccessful }.map(\.key)
                return StateSnapshot(
                    submittedReports: covered, notifiedPeriods: Set(periods), closedJournals: Set(journals),
                    unsettledSubmissions: unsettled)
            }
        }
    }
}
