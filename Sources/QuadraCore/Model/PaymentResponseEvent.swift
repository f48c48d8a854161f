/// The `payment_response` event: the POS got Spice's result for an attempt.
public struct PaymentResponseEvent: Sendable, Hashable {
    public var at: Instant
    public var posRefId: String
    public var success: Bool
    public var amount: Money?
    public var userOverride: Bool
    public var hostResponseText: String?
}
