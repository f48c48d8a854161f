import Foundation
import QuadraCore

/// The state store keeps Spice's final answers for the recovery engine.
extension StateStore: RecoveryJournal {
    public func knownOutcomes() throws -> [String: RecoveryOutcome] {
        try recoveries().mapValues(\.outcome)
    }

    public func record(_ target: RecoveryTarget, answer: SpiceAnswer, rawJSON: String) throws {
        let now = Instant(date: Date())
        guard
            let recovery = StoredRecovery(
                posRefId: target.attempt.posRefId, terminal: target.attempt.terminal, sale: target.attempt.sale,
                kind: target.attempt.kind, spiceAnswer: answer, rawJSON: rawJSON, recordedAt: now)
        else { return }
        _ = try recordRecovery(recovery)
    }
}
