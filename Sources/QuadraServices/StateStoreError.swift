/// An operational failure of the state store: the file's path, what went wrong and, where there is one, what to do.
public struct StateStoreError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of failure it is, for callers that react differently (tests, exit codes).
    public enum Kind: Sendable, Hashable {
        /// The file could not be opened or created (missing directory, permissions).
        case cannotOpen
        /// The file is not SQLite at all, or an SQLite database of another application.
        case notAStateStore
        /// The file was written by a newer quadra whose schema this one does not know.
        case newerSchema
        /// SQLite failed while reading or writing (its message is in the text).
        case database
        /// `finish…` or `restart…` was called for a record that was never begun.
        case missingRecord
        /// A change the store refuses, such as overwriting a submission A-Cube accepted.
        case refusedChange
        /// A row holds a value this quadra cannot read (the file was edited by hand).
        case invalidData
        /// Another run holds the state store's lock.
        case locked
    }

    /// The state store file.
    public var path: String
    public var kind: Kind
    /// What went wrong and what to do, without the path.
    public var message: String
    /// SQLite's extended result code, when SQLite reported the failure.
    public var sqliteCode: Int32?

    public init(path: String, kind: Kind, message: String, sqliteCode: Int32? = nil) {
        self.path = path
        self.kind = kind
        self.message = message
        self.sqliteCode = sqliteCode
    }

    /// `path: message`, as an operator reads it on standard error.
    public var description: String { "\(path): \(message)" }
}
