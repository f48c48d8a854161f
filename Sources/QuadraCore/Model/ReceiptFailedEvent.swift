/// The `receipt_failed` event.
public struct ReceiptFailedEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    public var reason: ReceiptFailureReason
}
