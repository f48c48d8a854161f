/// Where something was read: a path relative to the night's directory, and a 1-based line when known.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int?

    public init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    public var description: String { line.map { "\(file):\($0)" } ?? file }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        return (lhs.line ?? 0) < (rhs.line ?? 0)
    }
}

/// One input problem: a line, row or file that could not be read. It becomes an `INPUT_REJECTED` finding
/// and never stops the night.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// What is wrong, in the form `what is wrong: expected X, found Y`, then the remedy where there is one.
    public var message: String
    /// True when the whole file was rejected rather than one line or row of it.
    public var wholeFile: Bool

    public init(location: SourceLocation, message: String, wholeFile: Bool = false) {
        self.location = location
        self.message = message
        self.wholeFile = wholeFile
    }

    public var description: String { "\(location): \(message)" }
}

/// What was read from one input file, for the report's `input` elements and the manifest.
public struct InputFileRecord: Sendable, Hashable {
    public var path: String
    public var kind: InputKind
    public var sha256: String
    public var bytes: Int64
    public var recordsRead: Int
    public var recordsRejected: Int

    public init(path: String, kind: InputKind, sha256: String, bytes: Int64, recordsRead: Int, recordsRejected: Int) {
        self.path = path
        self.kind = kind
        self.sha256 = sha256
        self.bytes = bytes
        self.recordsRead = recordsRead
        self.recordsRejected = recordsRejected
    }
}

/// The kinds of input file a night holds (formats.md §1).
public enum InputKind: String, Sendable, Hashable, CaseIterable {
    case posLog = "pos-log"
    case acubeReceipts = "acube-receipts"
    case acubeJournals = "acube-journals"
    case acubeNotifications = "acube-notifications"
    case acubeEmergencyReports = "acube-emergency-reports"
    case registerCSV = "register-csv"
    case registerXML = "register-xml"
}
