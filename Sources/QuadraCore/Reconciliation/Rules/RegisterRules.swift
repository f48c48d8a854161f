/// `OFFLINE_RECORD_UNSUBMITTED`: register rows no emergency report covers.
extension Reconciler {
    /// `OFFLINE_RECORD_UNSUBMITTED` for every register row that no emergency report covers.
    func registerFindings() -> [Finding] {
        var findings: [Finding] = []
        let terminals = facts.registerTerminals
        // The gross of every (PEM, sale, day) the registers name, summed once rather than per row.
        struct SaleDay: Hashable {
            var pem: String
            var sale: String
            var day: FiscalDay
        }
        var grossBySale: [SaleDay: Money] = [:]
        for entry in inputs.registers {
            guard let saleId = entry.sale else { continue }
            let key = SaleDay(pem: entry.pem, sale: saleId, day: entry.fiscalDay)
            // A sum that would overflow leaves the row out of it: the row is rejected when the uploads are built.
            if let sum = (grossBySale[key] ?? .zero).adding(entry.gross) { grossBySale[key] = sum }
        }
        for entry in inputs.registers {
            let pemDay = PemDay(pem: entry.pem, day: entry.fiscalDay)
            guard !index.isCovered(pemDay) else { continue }
            if let saleId = entry.sale {
                let gross = grossBySale[SaleDay(pem: entry.pem, sale: saleId, day: entry.fiscalDay)] ?? entry.gross
                findings.append(
                    Finding(
                        code: .offlineRecordUnsubmitted, pem: entry.pem, fiscalDay: entry.fiscalDay,
                        terminal: terminals[PemSale(pem: entry.pem, sale: saleId)], sale: saleId, amount: gross,
                        detail: "sale \(saleId) is in the emergency register (\(entry.source)) but no emergency report"
                            + " covers \(entry.pem) on \(entry.fiscalDay)"))
            } else {
                findings.append(
                    Finding(
                        code: .offlineRecordUnsubmitted, pem: entry.pem, fiscalDay: entry.fiscalDay,
                        amount: entry.gross,
                        detail:
                            "register row \(entry.source) recorded at \(zone.format(entry.recordedAt)) names no sale,"
                            + " and no emergency report covers \(entry.pem) on \(entry.fiscalDay)",
                        subjectRest: Self.locationKey(entry.source)))
            }
        }
        return findings
    }
}
