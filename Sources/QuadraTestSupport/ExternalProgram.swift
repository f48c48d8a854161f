import Foundation

/// Runs a program other than quadra (Python, Chromium, poppler's pdfinfo and pdftotext) for a test: without blocking
/// a Swift concurrency thread (tests run in parallel, and some host a simulator in this process that needs the
/// cooperative pool to answer), its output read on threads of its own. A program still running after
/// `timeoutSeconds` is terminated, so a tool that hangs fails its test instead of holding the suite.
public enum ExternalProgram {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var timedOut: Bool
    }

    /// Why a program could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The first of `names` found on PATH (or the path named by `environmentVariable` when it is set).
    public static func find(_ names: [String], environmentVariable: String? = nil) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if let variable = environmentVariable, let path = environment[variable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
                return URL(fileURLWithPath: folder + "/" + name)
            }
        }
        return nil
    }

    /// `python3 -c program arguments…`, found on PATH; `hint` (what to install) ends the message when it cannot
    /// start or exits with a status other than 0.
    public static func python(_ program: String, _ arguments: [String], hint: String, timeoutSeconds: Int = 300)
        async throws -> Result
    {
        let result: Result
        do {
            result = try await run(
                URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", program] + arguments,
                timeoutSeconds: timeoutSeconds)
        } catch {
            throw Failure(description: "cannot start python3 (\(error)); \(hint)")
        }
        guard result.status == 0, !result.timedOut else {
            let how = result.timedOut ? "was stopped after \(timeoutSeconds) s" : "failed with status \(result.status)"
            throw Failure(description: "python3 \(how): \(result.stderr)\n\(hint)")
        }
        return result
    }

    public static func run(_ executable: URL, _ arguments: [String], timeoutSeconds: Int = 120) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let outData = Box(Data())
        let errData = Box(Data())
        let timedOut = Box(false)
        let readers = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            readers.enter()
            Thread {
                box.value = pipe.fileHandleForReading.readDataToEndOfFile()
                readers.leave()
            }.start()
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                readers.notify(queue: .global()) { continuation.resume(returning: finished.terminationStatus) }
            }
            do {
                try process.run()
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds)) {
                    if process.isRunning {
                        timedOut.value = true
                        process.terminate()
                    }
                }
            } catch {
                process.terminationHandler = nil
                try? out.fileHandleForWriting.close()
                try? err.fileHandleForWriting.close()
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: status, stdout: outData.value, stderr: String(decoding: errData.value, as: UTF8.self),
            timedOut: timedOut.value)
    }

    /// A value handed between the reader threads, the timer and the caller, behind a lock.
    private final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: T
        init(_ value: T) { stored = value }
        var value: T {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}
