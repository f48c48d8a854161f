import Foundation
import QuadraCore

/// An attempt to recover and the Spice instance to ask.
public struct RecoveryTarget: Sendable, Hashable {
    public var attempt: OpenAttempt
    public var baseURL: String

    public init(attempt: OpenAttempt, baseURL: String) {
        self.attempt = attempt
        self.baseURL = baseURL
    }
}

/// Where final Spice answers are kept, so a rerun asks only about what is still open.
public protocol RecoveryJournal: Sendable {
    /// Final outcomes already known, by posRefId.
    func knownOutcomes() throws -> [String: RecoveryOutcome]
    /// Keeps a final answer (approved or declined) with Spice's raw JSON. Called as soon as it arrives.
    func record(_ target: RecoveryTarget, answer: SpiceAnswer, rawJSON: String) throws
}

/// How recovery is going, for the terminal.
public struct RecoveryProgress: Sendable, Hashable {
    public var done: Int
    public var open: Int
    public var failing: Int
    /// Requests sent to Spice so far.
    public var requests: Int
}

/// Stage 3: asks Spice about every attempt the POS left in progress, until each has a final answer or the
/// deadline passes. At most one request is in flight per Spice base URL; different URLs are recovered
/// concurrently up to `concurrency`. Between rounds it backs off exponentially with jitter.
public struct RecoveryEngine: Sendable {
    public var client: any SpiceRecovering
    public var settings: Configuration.SpiceSettings
    public var journal: (any RecoveryJournal)?
    public var onProgress: (@Sendable (RecoveryProgress) -> Void)?

    public init(client: any SpiceRecovering, settings: Configuration.SpiceSettings, journal: (any RecoveryJournal)?) {
        self.client = client
        self.settings = settings
        self.journal = journal
    }

    /// What recovery found, by posRefId. Attempts already final in the journal are not asked again.
    public func recover(_ targets: [RecoveryTarget]) async throws -> [String: RecoveryOutcome] {
        var outcomes = try journal?.knownOutcomes() ?? [:]
        let open = targets.filter { outcomes[$0.attempt.posRefId] == nil }
        let byURL = Dictionary(grouping: open, by: \.baseURL)
        let urls = byURL.keys.sorted()
        let deadline = ContinuousClock.now.advanced(by: .seconds(settings.deadlineSeconds))
        let tally = ProgressTally(open: open.count, onProgress: onProgress)
        let limit = max(1, Int(settings.concurrency))
        try await withThrowingTaskGroup(of: [String: RecoveryOutcome].self) { group in
            var next = 0
            func startNext() {
                guard next < urls.count else { return }
                let url = urls[next]
                let attempts = (byURL[url] ?? []).sorted { $0.attempt.posRefId < $1.attempt.posRefId }
                next += 1
                group.addTask { try await self.recoverSerially(url: url, attempts, deadline: deadline, tally: tally) }
            }
            for _ in 0..<min(limit, urls.count) { startNext() }
            while let found = try await group.next() {
                outcomes.merge(found) { first, _ in first }
                startNext()
            }
        }
        return outcomes
    }

    /// Polls one Spice instance round-robin over its open attempts, one request at a time.
    private func recoverSerially(
        url: String, _ attempts: [RecoveryTarget], deadline: ContinuousClock.Instant, tally: ProgressTally
    ) async throws -> [String: RecoveryOutcome] {
        var pending = attempts
        var outcomes: [String: RecoveryOutcome] = [:]
        var lastAnswer: [String: SpiceAnswer] = [:]
        var backoff = Double(settings.initialBackoffMilliseconds) / 1000
        let maximumBackoff = Double(settings.maximumBackoffSeconds)
        var failingCount = 0
        while !pending.isEmpty, ContinuousClock.now < deadline {
            try Task.checkCancellation()
            var stillOpen: [RecoveryTarget] = []
            var progressed = false
            var roundFailed = false
            for (index, target) in pending.enumerated() {
                if roundFailed || ContinuousClock.now >= deadline {
                    stillOpen.append(contentsOf: pending[index...])
                    break
                }
                let ref = target.attempt.posRefId
                let exchange = await client.ask(baseURL: url, kind: target.attempt.kind, posRefId: ref)
                tally.change(requests: 1)
                lastAnswer[ref] = exchange.answer
                if case .retry = exchange.answer {
                    // This Spice is failing: every attempt still open on it counts as failing.
                    if failingCount == 0 {
                        failingCount = pending.count - index
                        tally.change(failing: failingCount)
                    }
                } else if failingCount > 0 {
                    tally.change(failing: -failingCount)
                    failingCount = 0
                }
                switch exchange.answer {
                case .approved(let response), .declined(let response):
                    try journal?.record(target, answer: exchange.answer, rawJSON: exchange.rawBody ?? "")
                    if case .approved = exchange.answer {
                        outcomes[ref] = .approved(response)
                    } else {
                        outcomes[ref] = .declined(response)
                    }
                    progressed = true
                    tally.change(done: 1)
                case .notFound(let reason):
                    outcomes[ref] = .notFound(detail: "Spice at \(url) does not know attempt \(ref): \(reason)")
                    progressed = true
                    tally.change(done: 1)
                case .running:
                    stillOpen.append(target)
                case .retry:
                    stillOpen.append(target)
                    // Spice down or crashed: do not hammer it with the other attempts in this round.
                    if exchange.connectionFailed { roundFailed = true }
                }
            }
            pending = stillOpen
            guard !pending.isEmpty else { break }
            if progressed { backoff = Double(settings.initialBackoffMilliseconds) / 1000 }
            let remaining = ContinuousClock.now.duration(to: deadline)
            let pause = min(Duration.seconds(backoff * Double.random(in: 0.5...1.5)), remaining)
            if pause > .zero { try await Task.sleep(for: pause) }
            backoff = min(backoff * 2, maximumBackoff)
        }
        for target in pending {
            let ref = target.attempt.posRefId
            let limit = "the recovery deadline of \(settings.deadlineSeconds) s"
            switch lastAnswer[ref] {
            case .running(let reason)?:
                outcomes[ref] = .stillRunning(
                    detail: "Spice at \(url) still reported attempt \(ref) as running (\(reason)) when \(limit) passed")
            case .retry(let reason)?:
                outcomes[ref] = .unreachable(detail: "Spice at \(url) could not be reached before \(limit): \(reason)")
            default:
                outcomes[ref] = .unreachable(
                    detail: "Spice at \(url) was not asked about attempt \(ref) before \(limit)")
            }
        }
        return outcomes
    }
}

/// Counts done, open and failing attempts across concurrent recoveries, and reports each change.
final class ProgressTally: @unchecked Sendable {
    private let lock = NSLock()
    private var progress: RecoveryProgress
    private let onProgress: (@Sendable (RecoveryProgress) -> Void)?

    init(open: Int, onProgress: (@Sendable (RecoveryProgress) -> Void)?) {
        progress = RecoveryProgress(done: 0, open: open, failing: 0, requests: 0)
        self.onProgress = onProgress
        onProgress?(progress)
    }

    /// `done` attempts got an answer (they leave `open`); `failing` changes by the given amount.
    func change(done: Int = 0, failing: Int = 0, requests: Int = 0) {
        lock.lock()
        progress.requests += requests
        progress.done += done
        progress.open -= done
        progress.failing += failing
        let snapshot = progress
        lock.unlock()
        onProgress?(snapshot)
    }
}
