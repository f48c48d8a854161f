/// What a register reader returns: the entries it could read and one diagnostic per rejected row or file.
public struct RegisterReadResult: Sendable {
    public var entries: [RegisterEntry]
    public var diagnostics: [Diagnostic]
    /// Rows or entries seen, rejected ones included.
    public var recordsRead: Int

    public init(entries: [RegisterEntry] = [], diagnostics: [Diagnostic] = [], recordsRead: Int = 0) {
        self.entries = entries
        self.diagnostics = diagnostics
        self.recordsRead = recordsRead
    }

    /// Rows or entries rejected (a whole-file rejection counts every record, or one when none were seen).
    public var recordsRejected: Int {
        if diagnostics.contains(where: \.wholeFile) { return max(recordsRead, 1) }
        return diagnostics.count
    }
}
