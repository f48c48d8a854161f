import Foundation

/// One back-off shared by every call of a client: when A-Cube answers 429 or 503 to any of them, every call waits
/// until the pause is over before it sends anything (apis.md: PEMs fetched concurrently share one back-off), so a
/// busy A-Cube is not hit by the other PEMs' requests meanwhile.
final class AcubeBackoffGate: @unchecked Sendable {
    private let lock = NSLock()
    private let clock = ContinuousClock()
    private var resumeAt: ContinuousClock.Instant?

    /// Waits until no pause is in force (returns at once when none is, or when the task is cancelled).
    func wait() async {
        while !Task.isCancelled {
            let until = lock.withLock { resumeAt }
            guard let until, until > clock.now else { return }
            try? await Task.sleep(until: until, clock: clock)
        }
    }

    /// Whether a pause is in force now.
    var isPaused: Bool {
        let until = lock.withLock { resumeAt }
        return until.map { $0 > clock.now } ?? false
    }

    /// Makes every call wait `delay` from now (a longer pause already in force is kept).
    func pause(for delay: Duration) {
        guard delay > .zero else { return }
        let until = clock.now.advanced(by: delay)
        lock.withLock {
            if let current = resumeAt, current >= until { return }
            resumeAt = until
        }
    }
}
