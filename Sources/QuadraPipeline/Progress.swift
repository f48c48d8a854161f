import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One-line progress on standard error, shown only when standard error is a terminal.
public final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var count = 0
    private let label: String

    /// Set by `--quiet`: no progress at all. Written once, before any task starts, and only read after.
    nonisolated(unsafe) public static var quiet = false

    public init(label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled && !Progress.quiet
    }

    /// Counts one more item and redraws the line.
    public func step(_ item: String) {
        guard enabled else { return }
        lock.lock()
        count += 1
        let text = "\r\u{1B}[2K\(label) \(count): \(item)"
        lock.unlock()
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Redraws the line with a status text (no counting).
    public func show(_ status: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label): \(status)".utf8))
    }

    /// Clears the line.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
