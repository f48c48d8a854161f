/// One gross amount at one VAT rate.
public struct VatAmount: Sendable, Hashable {
    public var vat: VatCode
    public var gross: Money

    public init(vat: VatCode, gross: Money) {
        self.vat = vat
        self.gross = gross
    }
}

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

/// What a register reader returns: the entries it could read and one diagnostic per rejected row or file.
public struct RegisterReadResult: Sendable {
    public var entries: [RegisterEntry]
    public var diagnostics: [Diagnostic]
    /// Rows or entries seen, rejected ones included.
    public var recordsRead: Int

    public init(entries: [RegisterEntry] = [], diagnostics: [Diagnostic] = [], recordsRead: Int = 0) {
        self.entries = entries
        self.diagnostics = diagnostics
        self.recordsRead = recordsRead
    }

    /// Rows or entries rejected (a whole-file rejection counts every record, or one when none were seen).
    public var recordsRejected: Int {
        if diagnostics.contains(where: \.wholeFile) { return max(recordsRead, 1) }
        return diagnostics.count
    }
}
