import Foundation

/// Runs the built `quadra` executable, as a user would.
struct QuadraBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `quadra` binary beside the test bundle (SwiftPM builds every product before testing), or
    /// `QUADRA_BIN` when set.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["QUADRA_BIN"] { return URL(fileURLWithPath: path) }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = me.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("quadra")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/quadra")
    }()

    /// A `quadra` process with piped output, not started yet.
    private static func process(
        _ arguments: [String], in directory: URL, environment: [String: String], shellPrefix: String?
    ) -> (process: Process, out: Pipe, err: Pipe) {
        let process = Process()
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shellPrefix + "; exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        return (process, out, err)
    }

    /// Reads a pipe to its end on a thread of its own, so a chatty child never blocks on a full pipe and no
    /// Swift concurrency thread is held.
    private static func drain(_ pipe: Pipe, into box: ThreadSafeBox<Data>, group: DispatchGroup) {
        group.enter()
        Thread {
            box.value = pipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }.start()
    }

    /// Runs `quadra` with `arguments` in `directory` (the package root by default) without blocking a Swift
    /// concurrency thread: tests run in parallel and some host a simulator in this process, which needs the
    /// cooperative pool free to answer the child's requests. (A blocking wait here starved it on 2 cores.)
    static func runAsync(
        _ arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:],
        interrupt: (signal: Int32, afterMilliseconds: Int)? = nil, shellPrefix: String? = nil
    ) async throws -> Result {
        let (process, out, err) = process(
            arguments, in: directory, environment: environment, shellPrefix: shellPrefix)
        let outData = ThreadSafeBox<Data>(Data())
        let errData = ThreadSafeBox<Data>(Data())
        let readers = DispatchGroup()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                readers.notify(queue: .global()) { continuation.resume(returning: finished.terminationStatus) }
            }
            // The readers are registered before the child starts, so its end always waits for its output.
            drain(out, into: outData, group: readers)
            drain(err, into: errData, group: readers)
            do {
                try process.run()
                if let interrupt {
                    let pid = process.processIdentifier
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(interrupt.afterMilliseconds)) {
                        kill(pid, interrupt.signal)
                    }
                }
            } catch {
                try? out.fileHandleForWriting.close()
                try? err.fileHandleForWriting.close()
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: status, stdout: String(decoding: outData.value, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("quadra-e2e-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A mutable box shared with a helper thread; the thread finishes before the value is read.
final class ThreadSafeBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
