/// One sale or register row that goes into an emergency upload.
public struct UploadItem: Sendable, Hashable {
    public var pem: String
    public var day: FiscalDay
    /// The sale id, when known; rows without one count one document per distinct `recordedAt`.
    public var sale: String?
    public var recordedAt: Instant
    public var payment: PaymentMethod
    public var lines: [VatAmount]
    /// Where it was read (the register row, the `sale` event), for a rejection.
    public var source: SourceLocation?

    public init(
        pem: String, day: FiscalDay, sale: String?, recordedAt: Instant, payment: PaymentMethod, lines: [VatAmount],
        source: SourceLocation? = nil
    ) {
        self.source = source
        self.pem = pem
        self.day = day
        self.sale = sale
        self.recordedAt = recordedAt
        self.payment = payment
        self.lines = lines
    }

    public init(entry: RegisterEntry) {
        self.init(
            pem: entry.pem, day: entry.fiscalDay, sale: entry.sale, recordedAt: entry.recordedAt,
            payment: entry.payment, lines: entry.lines, source: entry.source)
    }
}
