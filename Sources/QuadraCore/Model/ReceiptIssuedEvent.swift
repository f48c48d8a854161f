/// The `receipt_issued` event: A-Cube issued the fiscal receipt.
public struct ReceiptIssuedEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    /// Lower-cased, so it matches A-Cube's uuids whatever the case.
    public var receiptUuid: String
    public var documentNumber: String
    public var total: Money
}
