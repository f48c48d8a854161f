import CSQLite

/// A failed SQLite call: the database path, SQLite's result code and its message.
package struct SQLiteError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The database file the connection was opened on.
    package var path: String
    /// SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_NOTADB`, …).
    package var code: Int32
    /// SQLite's own message for the failure.
    package var message: String

    package init(path: String, code: Int32, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// The primary result code (the low byte of the extended one).
    package var primaryCode: Int32 { code & 0xFF }

    package var description: String { "\(path): SQLite error \(code): \(message)" }
}

/// A value SQLite stores: the five storage classes.
package enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// One SQLite connection: a small, safe wrapper over the C API (open, exec, prepared statements with typed
/// bind/step/column, transactions).
///
/// A connection is not thread-safe by itself: its owner serialises every use (see `StateStore`).
package final class SQLiteDatabase {
    /// The path the connection was opened with.
    package let path: String
    private var handle: OpaquePointer?

    /// How to open the file.
    package enum OpenMode: Sendable {
        /// Read and write; create the file when it is missing.
        case readWriteCreate
        /// Read and write an existing file; fail when it is missing.
        case readWrite
        /// Read only.
        case readOnly
    }

    /// Opens (or creates) the database at `path`. SQLite reads the file lazily: a file that is not a database
    /// fails on the first statement, not here.
    package init(path: String, mode: OpenMode = .readWriteCreate) throws(SQLiteError) {
        self.path = path
        var flags: Int32 = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message =
                connection.flatMap { sqlite3_errmsg($0).map { String(cString: $0) } }
                ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(connection)
            throw SQLiteError(path: path, code: code, message: message)
        }
        sqlite3_extended_result_codes(connection, 1)
        handle = connection
    }

    deinit { close() }

    /// Closes the connection; later calls fail with `SQLITE_MISUSE`. Statements still alive keep the
    /// underlying connection open until they are finalised (`sqlite3_close_v2`).
    package func close() {
        if let handle {
            sqlite3_close_v2(handle)
        }
        handle = nil
    }

    /// Runs one or more statements that take no parameters (schema, pragmas, `BEGIN`/`COMMIT`).
    package func execute(_ sql: String) throws(SQLiteError) {
        let connection = try open()
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(connection, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(errorMessage)
            throw SQLiteError(path: path, code: sqlite3_extended_errcode(connection), message: message)
        }
    }

    /// Compiles one statement. `?` placeholders are bound with `SQLiteStatement.bind`.
    package func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        let connection = try open()
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw error(connection, code)
        }
        return SQLiteStatement(database: self, connection: connection, statement: statement)
    }

    /// Runs one statement with `values` bound to its placeholders, to completion; returns the rows changed.
    @discardableResult
    package func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
        return changes
    }

    /// Runs one query with `values` bound and returns every row.
    package func query(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [[SQLiteValue]] = []
        while try statement.step() {
            rows.append(statement.row())
        }
        return rows
    }

    /// How a transaction takes its locks.
    package enum TransactionMode: Sendable {
        /// `BEGIN`: locks are taken when first needed. For reads: in WAL mode they see one consistent snapshot.
        case deferred
        /// `BEGIN IMMEDIATE`: the write lock is taken up front, so a concurrent writer waits for the busy timeout
        /// instead of failing with `SQLITE_BUSY` when it would upgrade a read lock.
        case immediate
    }

    /// Runs `body` in a transaction, commits when it returns and rolls back when it throws. When this returns, the
    /// commit has happened (and, with `synchronous=FULL`, reached the disk).
    @discardableResult
    /// Inside a transaction already open, `body` simply joins it: the outer one commits or rolls back.
    package func transaction<T>(_ mode: TransactionMode = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try execute(mode == .immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }

    /// Rows changed by the last `INSERT`, `UPDATE` or `DELETE`.
    package var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes(handle))
    }

    /// Whether a transaction is open on this connection.
    package var isInTransaction: Bool {
        guard let handle else { return false }
        return sqlite3_get_autocommit(handle) == 0
    }

    /// Sets how long SQLite waits for another connection's lock before failing with `SQLITE_BUSY`.
    package func setBusyTimeout(milliseconds: Int32) throws(SQLiteError) {
        let connection = try open()
        let code = sqlite3_busy_timeout(connection, milliseconds)
        if code != SQLITE_OK { throw error(connection, code) }
    }

    private func open() throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(path: path, code: SQLITE_MISUSE, message: "the connection is closed")
        }
        return handle
    }

    fileprivate func error(_ connection: OpaquePointer, _ code: Int32) -> SQLiteError {
        let extended = sqlite3_extended_errcode(connection)
        let message = sqlite3_errmsg(connection).map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        return SQLiteError(path: path, code: extended == SQLITE_OK ? code : extended, message: message)
    }
}

/// A compiled statement. Bind values (1-based, as in SQLite), `step()` through the rows, read columns (0-based).
/// It is finalised when released.
package final class SQLiteStatement {
    private let database: SQLiteDatabase
    private let connection: OpaquePointer
    private let statement: OpaquePointer

    fileprivate init(database: SQLiteDatabase, connection: OpaquePointer, statement: OpaquePointer) {
        self.database = database
        self.connection = connection
        self.statement = statement
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds `value` to the placeholder at `index` (1-based). Text and blobs are copied.
    package func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(statement, index)
        case .integer(let number):
            code = sqlite3_bind_int64(statement, index, number)
        case .real(let number):
            code = sqlite3_bind_double(statement, index, number)
        case .text(let text):
            var text = text
            code = text.withUTF8 { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    // A non-null pointer for "", so an empty string stays text and does not become NULL.
                    return sqlite3_bind_text64(statement, index, "", 0, quadra_sqlite_transient(), UInt8(SQLITE_UTF8))
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                    sqlite3_bind_text64(
                        statement, index, chars, sqlite3_uint64(bytes.count), quadra_sqlite_transient(),
                        UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    return sqlite3_bind_zeroblob(statement, index, 0)
                }
                return sqlite3_bind_blob64(statement, index, base, sqlite3_uint64(raw.count), quadra_sqlite_transient())
            }
        }
        if code != SQLITE_OK { throw database.error(connection, code) }
    }

    /// Binds `values` to placeholders 1, 2, … after clearing the previous bindings. The count must match.
    package func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard values.count == expected else {
            throw SQLiteError(
                path: database.path, code: SQLITE_RANGE,
                message: "the statement takes \(expected) parameters, \(values.count) were given")
        }
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Advances to the next row: true when a row is ready to read, false when the statement is done.
    package func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let failure = database.error(connection, code)
            sqlite3_reset(statement)
            throw failure
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    package func reset() {
        sqlite3_reset(statement)
    }

    /// Number of columns in a result row.
    package var columnCount: Int { Int(sqlite3_column_count(statement)) }

    /// Whether the column at `index` (0-based) of the current row is NULL.
    package func isNull(at index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    /// The column as an integer (SQLite converts other types; NULL reads as 0).
    package func int64(at index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    /// The column as an integer, nil when NULL.
    package func optionalInt64(at index: Int32) -> Int64? { isNull(at: index) ? nil : int64(at: index) }

    /// The column as a floating-point number.
    package func double(at index: Int32) -> Double { sqlite3_column_double(statement, index) }

    /// The column as text, exactly as stored (NULL reads as "").
    package func text(at index: Int32) -> String { optionalText(at: index) ?? "" }

    /// The column as text, nil when NULL. The bytes are taken with their length, so embedded NULs survive.
    package func optionalText(at index: Int32) -> String? {
        guard !isNull(at: index) else { return nil }
        guard let pointer = sqlite3_column_text(statement, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column as bytes (NULL and empty read as []).
    package func blob(at index: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(statement, index) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, index))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The column as an `SQLiteValue` of its storage class.
    package func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: .integer(int64(at: index))
        case SQLITE_FLOAT: .real(double(at: index))
        case SQLITE_TEXT: .text(text(at: index))
        case SQLITE_BLOB: .blob(blob(at: index))
        default: .null
        }
    }

    /// Every column of the current row.
    package func row() -> [SQLiteValue] {
        (0..<Int32(columnCount)).map { value(at: $0) }
    }
}
