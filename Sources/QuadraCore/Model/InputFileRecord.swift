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
