import Foundation
import QuadraCore

#if canImport(Glibc)
    import Glibc
#endif

/// One run at a time per state store: an exclusive advisory lock (`flock`) on `<state>.lock`, held as long as this
/// object lives. The kernel drops it when the process ends, however it ends, so a killed run never leaves a stale
/// lock. The file also says who holds it (process id and since when), for the message the next run gives.
public final class StateStoreLock: @unchecked Sendable {
    /// The lock file: the state store's path with `.lock` added.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The lock file of the state store at `statePath`.
    public static func lockPath(forStatePath statePath: String) -> String { statePath + ".lock" }

    /// Takes the lock of the state store at `statePath`, trying again every 100 ms for up to `wait`. Throws a
    /// `StateStoreError` (`.locked`) naming the process that holds it when it stays taken, or (`.cannotOpen`) when
    /// the lock file cannot be made.
    public static func acquire(statePath: String, wait: Duration = .zero) throws -> StateStoreLock {
        let path = lockPath(forStatePath: statePath)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StateStoreError(
                path: statePath, kind: .cannotOpen,
                message: "cannot make the lock file \(path): \(reason). Check that the state store's directory exists "
                    + "and is writable, or pass another file with --state.")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, clock.now < deadline else {
                let holder = Self.holder(descriptor)
                close(descriptor)
                let waited = wait > .zero ? " (waited \(wait.components.seconds) s)" : ""
                throw StateStoreError(
                    path: statePath, kind: .locked,
                    message: "another quadra run is using the state store\(holder.map { " (\($0))" } ?? "")\(waited): "
                        + "one run at a time may use it, so that nothing is ever sent to A-Cube twice; run again when "
                        + "it has finished, or wait for it with --wait-for-lock SECONDS")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let lock = StateStoreLock(path: path, descriptor: descriptor)
        lock.writeHolder()
        return lock
    }

    /// Writes "process N since TIME" into the lock file.
    private func writeHolder() {
        let text = "process \(getpid()) since \(Instant(date: Date()).utcString)\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// What the holder wrote into the lock file, on one line; nil when nothing readable.
    private static func holder(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return nil }
        return text
    }
}
