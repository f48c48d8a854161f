import Dispatch
import Foundation

/// Runs independent pieces of work on a few threads and gives back their results in index order, so the
/// outcome never depends on which thread finished first.
public enum ParallelWork {
    /// The default number of threads: the processors this process may use.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` for every index in `0..<count` on at most `workers` threads and returns the results by index.
    /// The first error thrown is rethrown once every thread has stopped; the remaining indices are skipped.
    public static func map<T: Sendable>(
        count: Int, workers: Int, _ body: @Sendable (Int) throws -> T
    ) throws -> [T] {
        guard count > 0 else { return [] }
        let threads = max(1, min(workers, count))
        if threads == 1 { return try (0..<count).map(body) }
        let state = SharedState<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while let index = state.nextIndex() {
                do {
                    let result = try body(index)
                    state.store(result, at: index)
                } catch {
                    state.fail(error)
                }
            }
        }
        return try state.results()
    }

    private final class SharedState<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        private var slots: [T?]
        private var error: (any Error)?

        init(count: Int) {
            self.count = count
            slots = Array(repeating: nil, count: count)
        }

        func nextIndex() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard error == nil, next < count else { return nil }
            defer { next += 1 }
            return next
        }

        func store(_ value: T, at index: Int) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }

        func fail(_ error: any Error) {
            lock.lock()
            if self.error == nil { self.error = error }
            lock.unlock()
        }

        func results() throws -> [T] {
            if let error { throw error }
            return slots.map { slot in
                guard let slot else { preconditionFailure("every index ran once no error was thrown") }
                return slot
            }
        }
    }
}
