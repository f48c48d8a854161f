/// One entry of an emergency register: a CSV row, or an XML `entry` with its lines.
public struct RegisterEntry: Sendable, Hashable {
    public var pem: String
    public var recordedAt: Instant
    /// The calendar date of `recordedAt` in the fiscal time zone.
    public var fiscalDay: FiscalDay
    /// The POS sale id, when the row names one (a sale written by hand may have none).
    public var sale: String?
    public var payment: PaymentMethod
    public var lines: [VatAmount]
    /// The file and line the entry was read from.
    public var source: SourceLocation

    public init(
        pem: String, recordedAt: Instant, fiscalDay: FiscalDay, sale: String?, payment: PaymentMethod,
        lines: [VatAmount], source: SourceLocation
    ) {
        self.pem = pem
        self.recordedAt = recordedAt
        self.fiscalDay = fiscalDay
        self.sale = sale
        self.payment = payment
        self.lines = lines
        self.source = source
    }

    public var gross: Money { lines.reduce(Money.zero) { $0 + $1.gross } }
}
