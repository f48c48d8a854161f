import Foundation

/// Runs a program other than quadra (Chromium, poppler's pdfinfo and pdftotext), as QuadraBinary runs quadra: without
/// blocking a Swift concurrency thread, its output read on threads of its own. A program still running after
/// `timeoutSeconds` is terminated (a browser that hangs fails the test instead of holding the suite).
enum ExternalTool {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var timedOut: Bool
    }

    /// The first of `names` found on PATH (or the path named by `environmentVariable` when it is set).
    static func find(_ names: [String], environmentVariable: String? = nil) -> URL? {
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

    static func run(_ executable: URL, _ arguments: [String], timeoutSeconds: Int = 120) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let outData = ThreadSafeBox<Data>(Data())
        let errData = ThreadSafeBox<Data>(Data())
        let timedOut = ThreadSafeBox<Bool>(false)
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
                try? out.fileHandleForWriting.close()
                try? err.fileHandleForWriting.close()
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: status, stdout: outData.value, stderr: String(decoding: errData.value, as: UTF8.self),
            timedOut: timedOut.value)
    }
}
