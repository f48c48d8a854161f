/// One sale or register row that goes into an emergency upload.
public struct UploadItem: Sendable, Hashable {
    public var pem: String
    public var day: FiscalDay
    /// The sale id, when known; rows without one count one document per distinct `recordedAt`.
    public var sale: String?
    public var recordedAt: Instant
    public var payment: PaymentMethod
    public var lines: [VatAmount]

    public init(
        pem: String, day: FiscalDay, sale: String?, recordedAt: Instant, payment: PaymentMethod, lines: [VatAmount]
    ) {
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
            payment: entry.payment, lines: entry.lines)
    }
}

/// Builds the A-Cube EmergencyReportInput of each (PEM, fiscal day) with the arithmetic of formats.md §4.1.
public enum UploadBuilder {
    /// One upload per (PEM, day) of `items` that `isCovered` says no report covers, sorted by PEM and day.
    public static func build(items: [UploadItem], timeZone: FiscalTimeZone, isCovered: (PemDay) -> Bool)
        -> [EmergencyReportUpload]
    {
        var byDay: [PemDay: [UploadItem]] = [:]
        for item in items { byDay[PemDay(pem: item.pem, day: item.day), default: []].append(item) }
        return byDay.keys.sorted().compactMap { pemDay in
            guard !isCovered(pemDay), let dayItems = byDay[pemDay] else { return nil }
            return upload(pemDay, dayItems, timeZone: timeZone)
        }
    }

    static func upload(_ pemDay: PemDay, _ items: [UploadItem], timeZone: FiscalTimeZone) -> EmergencyReportUpload {
        var grossByVat: [VatCode: Money] = [:]
        var byPayment: [PaymentMethod: Money] = [:]
        var documents = Set<String>()
        var ticketDocuments = Set<String>()
        var latest = items[0].recordedAt
        for item in items {
            let document = item.sale.map { "sale:" + $0 } ?? "at:\(item.recordedAt.millis)"
            documents.insert(document)
            if item.payment == .ticket { ticketDocuments.insert(document) }
            latest = max(latest, item.recordedAt)
            for line in item.lines {
                grossByVat[line.vat, default: .zero] += line.gross
                byPayment[item.payment, default: .zero] += line.gross
            }
        }
        let entries = grossByVat.keys.sorted().map { vat in
            let gross = grossByVat[vat] ?? .zero
            let partial = partialAmount(gross: gross, vat: vat)
            return EmergencyReportUpload.Entry(
                vatRateCode: vat, gross: gross, vatAmount: gross - partial, partialAmount: partial)
        }
        return EmergencyReportUpload(
            pem: pemDay.pem, fiscalDay: pemDay.day, datetime: timeZone.format(latest),
            documentsCount: documents.count, cashPaymentAmount: byPayment[.cash] ?? .zero,
            electronicPaymentAmount: byPayment[.electronic] ?? .zero,
            ticketRestaurantPaymentAmount: byPayment[.ticket] ?? .zero, ticketRestaurantQuantity: ticketDocuments.count,
            entries: entries)
    }

    /// gross × 100 / (100 + rate), rounded half-up to cents; the gross itself for natura codes.
    public static func partialAmount(gross: Money, vat: VatCode) -> Money {
        guard let rate = vat.rateHundredths else { return gross }
        let numerator = gross.cents * 10_000
        let denominator = 10_000 + rate
        let (quotient, remainder) = numerator.floorDivided(by: denominator)
        return Money(cents: remainder * 2 >= denominator ? quotient + 1 : quotient)
    }
}
