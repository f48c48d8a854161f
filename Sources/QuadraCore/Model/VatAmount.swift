/// One gross amount at one VAT rate.
public struct VatAmount: Sendable, Hashable {
    public var vat: VatCode
    public var gross: Money

    public init(vat: VatCode, gross: Money) {
        self.vat = vat
        self.gross = gross
    }
}
