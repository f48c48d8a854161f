import Foundation

/// One exchange with Spice about an attempt: the classified answer, the raw body, and whether the
/// connection itself failed (Spice down, reset, timed out) rather than Spice answering.
public struct SpiceExchange: Sendable, Hashable {
    public var answer: SpiceAnswer
    public var rawBody: String?
    public var connectionFailed: Bool

    public init(answer: SpiceAnswer, rawBody: String?, connectionFailed: Bool = false) {
        self.answer = answer
        self.rawBody = rawBody
        self.connectionFailed = connectionFailed
    }
}
