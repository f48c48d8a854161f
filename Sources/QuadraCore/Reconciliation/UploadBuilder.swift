/// Builds the A-Cube EmergencyReportInput of each (PEM, fiscal day) with the arithmetic of formats.md §4.1.
public enum UploadBuilder {
    /// `items` without those whose amounts would take their (PEM, day)'s total past 64 bits, in order, and a
    /// diagnostic for each one left out. Every sum an upload holds (by rate, by payment) is part of that total, so
    /// the uploads of the kept items never overflow.
    public static func checked(_ items: [UploadItem]) -> (kept: [UploadItem], rejected: [Diagnostic]) {
        var totals: [PemDay: Money] = [:]
        var overflowing: [Int] = []
        for position in items.indices {
            let item = items[position]
            let key = PemDay(pem: item.pem, day: item.day)
            var total: Money? = totals[key] ?? .zero
            for line in item.lines { total = total?.adding(line.gross) }
            guard let total else {
                overflowing.append(position)
                continue
            }
            totals[key] = total
        }
        // The items themselves when none overflows (every night but a hostile one): no copy.
        guard !overflowing.isEmpty else { return (items, []) }
        let rejected = overflowing.map { position in
            let item = items[position]
            return Diagnostic(
                location: item.source ?? SourceLocation(file: "uploads/\(item.pem)/\(item.day).json"),
                message: "the amounts of \(item.pem) on \(item.day) add up to more than can be counted; "
                    + "this record is left out of the day's upload")
        }
        let left = Set(overflowing)
        return (items.indices.filter { !left.contains($0) }.map { items[$0] }, rejected)
    }

    /// One upload per (PEM, day) of `items` that `isCovered` says no report covers, sorted by PEM and day. The
    /// items are `checked` first.
    public static func build(items: [UploadItem], timeZone: FiscalTimeZone, isCovered: (PemDay) -> Bool)
        -> [EmergencyReportUpload]
    {
        var byDay: [PemDay: [UploadItem]] = [:]
        for item in checked(items).kept { byDay[PemDay(pem: item.pem, day: item.day), default: []].append(item) }
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
        // In 128 bits: a day's gross times 10,000 does not fit in 64. The result is below the gross, so it fits.
        let numerator = Int128(gross.cents) * 10_000
        let denominator = Int128(10_000 + rate)
        var quotient = numerator / denominator
        var remainder = numerator % denominator
        if remainder < 0 {
            quotient -= 1
            remainder += denominator
        }
        return Money(cents: Int64(remainder * 2 >= denominator ? quotient + 1 : quotient))
    }
}
