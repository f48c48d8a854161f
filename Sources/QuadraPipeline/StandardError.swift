import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How log lines and `quadra`'s own warnings and failures are written on standard error (`--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's stream format, and `quadra: warning: …` lines.
    case text
    /// One JSON object a line (`JSONLogHandler`), for every log line, warning and failure alike.
    case json
}

/// The lines `quadra` writes on standard error outside swift-log: warnings, the message of a run that failed, an
/// interruption. In text as they always were; with `--log-format json`, as records of the label `quadra`, so every
/// line on standard error is JSON. Like the text lines, they do not depend on `--log-level`.
public enum StandardError {
    /// Set once by the command's options, before any task starts; read only after.
    nonisolated(unsafe) public static var format: LogFormat = .text

    private static let lock = Mutex(())

    /// `quadra: warning: MESSAGE` (a `warning` record in JSON).
    public static func warning(_ message: String) {
        say(message, level: .warning, text: "quadra: warning: \(message)")
    }

    /// `quadra: MESSAGE` (an `error` record in JSON).
    public static func failure(_ message: String) {
        say(message, level: .error, text: "quadra: \(message)")
    }

    /// `text` as it is in text, `message` at `level` in JSON.
    public static func say(_ message: String, level: Logger.Level, text: String) {
        switch format {
        case .text:
            write(Array((text + "\n").utf8))
        case .json:
            write(
                JSONLogHandler.record(
                    timestamp: JSONLogHandler.now(), level: level, label: "quadra", message: message))
        }
    }

    /// Writes `bytes` on standard error whole, holding a lock, so the lines of different threads never interleave.
    @Sendable public static func write(_ bytes: [UInt8]) {
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = writeStandardError(base + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}

/// write(2) on standard error (a free function: inside `StandardError`, `write` names its own).
private func writeStandardError(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(STDERR_FILENO, bytes, count)
}
