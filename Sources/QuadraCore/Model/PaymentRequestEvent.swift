/// The `payment_request` event: the POS sent an attempt to Spice.
public struct PaymentRequestEvent: Sendable, Hashable {
    public var at: Instant
    public var posRefId: String
    public var kind: AttemptKind
    public var amount: Money
}
