/// One gross amount at one VAT rate.
public struct VatAmount: Sendable, Hashable {
    public var vat: VatCode
    public var gross: Money

    public init(vat: VatCode, gross: Money) {
        self.vat = vat
        self.gross = gross
    }
}

extension VatAmount {
    /// The grosses of `amounts` added up, or nil when the sum does not fit in 64-bit cents: the one sum behind "a
    /// sale's line grosses add up to its total" (the scanner and the strict decoder) and an XML register entry's
    /// lines.
    @inline(__always)
    public static func sum(_ amounts: [VatAmount]) -> Money? {
        var sum = Money.zero
        for amount in amounts {
            guard let next = sum.adding(amount.gross) else { return nil }
            sum = next
        }
        return sum
    }
}
