import CSQLite
import Foundation
import Testing

@testable import QuadraServices

/// A fresh directory under the system temporary directory; `remove()` it when the test ends.
struct StateTestDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct SQLiteDatabaseTests {
    @Test func valuesRoundTripExactly() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let database = try SQLiteDatabase(path: directory.file("values.sqlite"))
        try database.execute("CREATE TABLE t (v)")
        let values: [SQLiteValue] = [
            .null, .integer(0), .integer(Int64.max), .integer(Int64.min), .real(2.5), .text(""), .text("caffè ☕"),
            .text("a\u{0}b"), .text("'); DROP TABLE t; --"), .blob([]), .blob([0, 1, 255]),
        ]
        for value in values {
            try database.run("INSERT INTO t (v) VALUES (?)", [value])
        }
        let rows = try database.query("SELECT v FROM t ORDER BY rowid")
        // An empty blob bound as a zero-length blob reads back as an empty blob.
        #expect(rows.map { $0[0] } == values)
        #expect(try database.query("SELECT count(*) FROM t") == [[.integer(Int64(values.count))]])
    }

    @Test func typedColumnsAndNulls() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let database = try SQLiteDatabase(path: directory.file("columns.sqlite"))
        let statement = try database.prepare("SELECT ?, ?, ?, ?")
        try statement.bind([.integer(42), .null, .text("x"), .blob([9])])
        #expect(try statement.step())
        #expect(statement.columnCount == 4)
        #expect(statement.int64(at: 0) == 42)
        #expect(statement.optionalInt64(at: 1) == nil)
        #expect(statement.optionalText(at: 1) == nil)
        #expect(statement.isNull(at: 1))
        #expect(statement.text(at: 2) == "x")
        #expect(statement.blob(at: 3) == [9])
        #expect(try !statement.step())
        statement.reset()
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == 42)
    }

    @Test func transactionsCommitOrRollBack() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let database = try SQLiteDatabase(path: directory.file("tx.sqlite"))
        try database.execute("CREATE TABLE t (v INTEGER)")
        try database.transaction { try database.run("INSERT INTO t VALUES (?)", [.integer(1)]) }
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try database.transaction {
                try database.run("INSERT INTO t VALUES (?)", [.integer(2)])
                throw Failure()
            }
        }
        #expect(!database.isInTransaction)
        #expect(try database.query("SELECT v FROM t") == [[.integer(1)]])
        let count = try database.transaction(.deferred) { try database.query("SELECT count(*) FROM t") }
        #expect(count == [[.integer(1)]])
    }

    @Test func errorsNameThePathAndSQLitesMessage() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("errors.sqlite")
        let database = try SQLiteDatabase(path: path)
        let syntax = #expect(throws: SQLiteError.self) { try database.execute("CREATE TABLE (") }
        #expect(syntax?.path == path)
        #expect(syntax?.primaryCode == SQLITE_ERROR)
        #expect(syntax?.description.hasPrefix(path + ": SQLite error 1: ") == true)
        let missing = #expect(throws: SQLiteError.self) { try database.prepare("SELECT * FROM nowhere") }
        #expect(missing?.message == "no such table: nowhere")
        let statement = try database.prepare("SELECT ?")
        let count = #expect(throws: SQLiteError.self) { try statement.bind([.integer(1), .integer(2)]) }
        #expect(count?.message == "the statement takes 1 parameters, 2 were given")
        try database.execute("CREATE TABLE t (v INTEGER NOT NULL)")
        let constraint = #expect(throws: SQLiteError.self) { try database.run("INSERT INTO t VALUES (?)", [.null]) }
        #expect(constraint?.primaryCode == SQLITE_CONSTRAINT)
        database.close()
        let closed = #expect(throws: SQLiteError.self) { try database.execute("SELECT 1") }
        #expect(closed?.message == "the connection is closed")
    }

    @Test func openingMissingFilesWithoutCreate() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("absent.sqlite")
        let error = #expect(throws: SQLiteError.self) { try SQLiteDatabase(path: path, mode: .readWrite) }
        #expect(error?.primaryCode == SQLITE_CANTOPEN)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileThatIsNotADatabaseFailsOnFirstRead() throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("hello.txt")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        let database = try SQLiteDatabase(path: path)
        let error = #expect(throws: SQLiteError.self) { try database.query("SELECT count(*) FROM sqlite_master") }
        #expect(error?.primaryCode == SQLITE_NOTADB)
    }
}
