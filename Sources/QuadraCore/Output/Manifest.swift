/// `manifest.json`: the SHA-256 of every input read and every file written.
public struct Manifest: Sendable {
    public struct Entry: Sendable, Hashable {
        public var path: String
        public var sha256: String
        public var bytes: Int64

        public init(path: String, sha256: String, bytes: Int64) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    public var runId: String
    public var inputs: [Entry]
    public var outputs: [Entry]

    public init(runId: String, inputs: [Entry], outputs: [Entry]) {
        self.runId = runId
        self.inputs = inputs.sorted { $0.path < $1.path }
        self.outputs = outputs.sorted { $0.path < $1.path }
    }

    public func jsonBytes() -> [UInt8] {
        func list(_ entries: [Entry]) -> String {
            JSONText.array(
                entries.map { entry in
                    JSONText.object(
                        [
                            ("path", JSONText.quoted(entry.path)), ("sha256", JSONText.quoted(entry.sha256)),
                            ("bytes", String(entry.bytes)),
                        ], level: 2)
                }, level: 1)
        }
        let body = JSONText.object(
            [("runId", JSONText.quoted(runId)), ("inputs", list(inputs)), ("outputs", list(outputs))], level: 0)
        return Array((body + "\n").utf8)
    }
}
