import Foundation

/// Golden files: a test compares what it wrote with the file kept in the repository. With `RECORD_GOLDENS=1` the
/// file is written instead, and the check still fails (as swift-argument-parser's snapshots do), so a recording
/// run can never stand in for a check.
public enum Goldens {
    public static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" }

    /// Nil when the file at `actual` equals the golden `golden`; otherwise what differs (a unified diff), or, when
    /// recording, that the golden was written.
    public static func problem(actual: URL, golden: URL) throws -> String? {
        let bytes = try Data(contentsOf: actual)
        if recording {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: golden)
            return "recorded \(golden.path): run the tests again without RECORD_GOLDENS to check it"
        }
        guard bytes != (try Data(contentsOf: golden)) else { return nil }
        return "\(actual.lastPathComponent) differs from its golden:\n" + diff(golden, actual)
    }

    private static func diff(_ a: URL, _ b: URL) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        process.arguments = ["-u", a.path, b.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return "(diff unavailable: \(error))" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data.prefix(8000), as: UTF8.self)
    }
}
