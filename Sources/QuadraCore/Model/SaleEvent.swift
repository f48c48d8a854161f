/// The `sale` event: the POS rang up a sale.
public struct SaleEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    public var total: Money
    public var payment: PaymentMethod
    public var lines: [VatAmount]
}
