/// The `sale` event: the POS rang up a sale.
public struct SaleEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    public var total: Money
    public var payment: PaymentMethod
    public var lines: [VatAmount]
}

extension SaleEvent {
    /// The rule that a sale's line grosses add up to its total (formats.md §2), stated once for the scanner and the
    /// strict decoder: the sum of `lines`, or nil when it does not fit in 64-bit cents.
    @inline(__always)
    public static func linesSum(_ lines: [VatAmount]) -> Money? {
        var sum = Money.zero
        for line in lines {
            guard let next = sum.adding(line.gross) else { return nil }
            sum = next
        }
        return sum
    }
}
