import QuadraCore

/// A final answer Spice gave about an attempt the POS left in progress. Only approved and declined answers are
/// stored: a rerun asks Spice only about the other attempts.
public struct StoredRecovery: Sendable, Hashable {
    /// The final answers the store keeps.
    public enum Answer: String, Sendable, Hashable, CaseIterable {
        case approved
        case declined
    }

    public var posRefId: String
    public var terminal: String
    /// The POS's sale id the attempt belongs to.
    public var sale: String
    public var kind: AttemptKind
    public var answer: Answer
    /// The amount Spice reported, when it reported one.
    public var amount: Money?
    public var userOverride: Bool
    public var hostResponseText: String?
    /// Spice's response body exactly as received, unknown keys included.
    public var rawJSON: String
    public var recordedAt: Instant

    public init(
        posRefId: String, terminal: String, sale: String, kind: AttemptKind, answer: Answer, amount: Money?,
        userOverride: Bool, hostResponseText: String?, rawJSON: String, recordedAt: Instant
    ) {
        self.posRefId = posRefId
        self.terminal = terminal
        self.sale = sale
        self.kind = kind
        self.answer = answer
        self.amount = amount
        self.userOverride = userOverride
        self.hostResponseText = hostResponseText
        self.rawJSON = rawJSON
        self.recordedAt = recordedAt
    }

    /// The record for a final Spice answer; nil when the answer is not final (running, not found, retry).
    public init?(
        posRefId: String, terminal: String, sale: String, kind: AttemptKind, spiceAnswer: SpiceAnswer,
        rawJSON: String, recordedAt: Instant
    ) {
        let answer: Answer
        let response: RecoveredResponse
        switch spiceAnswer {
        case .approved(let recovered):
            answer = .approved
            response = recovered
        case .declined(let recovered):
            answer = .declined
            response = recovered
        case .running, .notFound, .retry:
            return nil
        }
        self.init(
            posRefId: posRefId, terminal: terminal, sale: sale, kind: kind, answer: answer, amount: response.amount,
            userOverride: response.userOverride, hostResponseText: response.hostResponseText, rawJSON: rawJSON,
            recordedAt: recordedAt)
    }

    /// The parts of the response the reconciliation uses.
    public var response: RecoveredResponse {
        RecoveredResponse(amount: amount, userOverride: userOverride, hostResponseText: hostResponseText)
    }

    /// The stored answer as the reconciliation takes it.
    public var outcome: RecoveryOutcome {
        switch answer {
        case .approved: .approved(response)
        case .declined: .declined(response)
        }
    }
}
