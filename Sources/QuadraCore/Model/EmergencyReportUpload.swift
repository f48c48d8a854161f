/// One A-Cube EmergencyReportInput for a (PEM, fiscal day), as Quadra prepares it (apis.md, formats.md §4.1).
public struct EmergencyReportUpload: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var vatRateCode: VatCode
        public var gross: Money
        public var vatAmount: Money
        public var partialAmount: Money

        public init(vatRateCode: VatCode, gross: Money, vatAmount: Money, partialAmount: Money) {
            self.vatRateCode = vatRateCode
            self.gross = gross
            self.vatAmount = vatAmount
            self.partialAmount = partialAmount
        }
    }

    public var pem: String
    public var fiscalDay: FiscalDay
    /// The latest recorded time of the day's entries, RFC 3339 with offset.
    public var datetime: String
    public var documentsCount: Int
    public var cashPaymentAmount: Money
    public var electronicPaymentAmount: Money
    public var ticketRestaurantPaymentAmount: Money
    /// The number of documents paid by ticket (0 when none): A-Cube's schema requires an integer, never null.
    public var ticketRestaurantQuantity: Int
    /// Sorted by `vat_rate_code`.
    public var entries: [Entry]

    public init(
        pem: String, fiscalDay: FiscalDay, datetime: String, documentsCount: Int, cashPaymentAmount: Money,
        electronicPaymentAmount: Money, ticketRestaurantPaymentAmount: Money, ticketRestaurantQuantity: Int = 0,
        entries: [Entry]
    ) {
        self.pem = pem
        self.fiscalDay = fiscalDay
        self.datetime = datetime
        self.documentsCount = documentsCount
        self.cashPaymentAmount = cashPaymentAmount
        self.electronicPaymentAmount = electronicPaymentAmount
        self.ticketRestaurantPaymentAmount = ticketRestaurantPaymentAmount
        self.ticketRestaurantQuantity = ticketRestaurantQuantity
        self.entries = entries
    }

    /// The field names and values of the body in A-Cube's order; nil values are unknown (JSON null).
    /// Both the JSON and the XML renderings walk this one list, so they cannot disagree.
    public var fields: [(name: String, value: UploadFieldValue)] {
        [
            ("datetime", .string(datetime)),
            ("documents_count", .integer(documentsCount)),
            ("cash_payment_amount", .string(cashPaymentAmount.description)),
            ("electronic_payment_amount", .string(electronicPaymentAmount.description)),
            ("ticket_restaurant_payment_amount", .string(ticketRestaurantPaymentAmount.description)),
            ("ticket_restaurant_quantity", .integer(ticketRestaurantQuantity)),
        ]
    }

    /// The fields of one entry in A-Cube's order.
    public static func fields(of entry: Entry) -> [(name: String, value: UploadFieldValue)] {
        [
            ("vat_rate_code", .string(entry.vatRateCode.code)),
            ("vat_amount", .string(entry.vatAmount.description)),
            ("simplified_vat_allocation", .boolean(false)),
            ("partial_amount", .string(entry.partialAmount.description)),
            ("total_returned_amount", .null),
            ("total_voided_amount", .null),
            ("total_prepaid_or_voucher_amount", .null),
            ("total_uncollected_services", .null),
            ("total_uncollected_invoiced", .null),
            ("total_uncollected_dcr_to_ssn", .null),
            ("total_uncollected_complimentary", .null),
            ("ateco_code", .null),
        ]
    }
}
