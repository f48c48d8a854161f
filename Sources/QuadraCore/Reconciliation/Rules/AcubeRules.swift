/// The rules that read one PEM's A-Cube data: offline windows and incidents, orphan receipts, receipts dated
/// inside an offline window, journals.
extension Reconciler {
    /// The findings of one PEM's A-Cube data: offline windows, incidents, orphan receipts, receipts dated inside
    /// an offline window, journals.
    func acubeSide(_ pem: String) -> [Finding] {
        var findings: [Finding] = []
        guard let data = inputs.acube[pem] else { return findings }
        for window in index.platformWindows[pem] ?? [] {
            let endText = window.end.map { zone.format($0) } ?? "still open at \(zone.format(asOf))"
            findings.append(
                Finding(
                    code: .platformOffline, pem: pem, fiscalDay: zone.fiscalDay(of: window.start),
                    detail: "PEM offline from \(zone.format(window.start)) to \(endText)",
                    subjectRest: [window.start.utcString]))
        }
        for incident in index.incidents where incident.pem == pem {
            findings.append(
                Finding(
                    code: .communicationIncident, pem: pem, fiscalDay: zone.fiscalDay(of: incident.start),
                    detail: "MF1–MF2 communication failed at \(zone.format(incident.start)) and was restored at"
                        + " \(zone.format(incident.restoredAt)) without the PEM going offline",
                    subjectRest: [incident.start.utcString]))
        }
        let platform = index.platformWindows[pem] ?? []
        let table = data.receipts
        let named = facts.named[pem]
        for position in 0..<table.count {
            let orphan =
                table.isSale(at: position)
                && !facts.isNamed(pem: pem, index: position, acube: inputs.acube, bits: named)
            let at = table.documentAt(position)
            let window = platform.first { $0.contains(at, asOf: asOf) }
            guard orphan || window != nil else { continue }
            let receipt = table.receipt(at: position)
            let day = zone.fiscalDay(of: receipt.documentAt)
            if orphan {
                findings.append(
                    Finding(
                        code: .orphanReceipt, pem: pem, fiscalDay: day, receiptUuid: receipt.uuid,
                        amount: receipt.totalAmount,
                        detail: "A-Cube sale receipt \(receipt.uuid)"
                            + (receipt.documentNumber.map { " (document \($0))" } ?? "")
                            + " of \(zone.format(receipt.documentAt)) is named by no receipt_issued event",
                        subjectRest: [receipt.uuid]))
            }
            if let window {
                findings.append(
                    Finding(
                        code: .receiptDuringOffline, pem: pem, fiscalDay: day, receiptUuid: receipt.uuid,
                        amount: receipt.totalAmount,
                        detail: "A-Cube \(receipt.kind.rawValue) receipt \(receipt.uuid) is dated"
                            + " \(zone.format(receipt.documentAt)), inside the platform offline window from"
                            + " \(zone.format(window.start))",
                        subjectRest: [receipt.uuid]))
            }
        }
        evaluateJournals(pem, data: data, into: &findings)
        return findings
    }

    func evaluateJournals(_ pem: String, data: AcubeData, into findings: inout [Finding]) {
        let openDays = Set(data.journals.filter(\.isOpen).map(\.date))
        guard !openDays.isEmpty else { return }
        var firstDocument: [FiscalDay: Instant] = [:]
        for position in 0..<data.receipts.count {
            let at = data.receipts.documentAt(position)
            let day = zone.fiscalDay(of: at)
            firstDocument[day] = min(firstDocument[day] ?? at, at)
        }
        for day in openDays.sorted() where !context.state.closedJournals.contains(PemDay(pem: pem, day: day)) {
            let first = firstDocument[day] ?? facts.firstPosDocument[PemDay(pem: pem, day: day)]
            let dayStart = zone.startOfDay(day)
            let dayEnd = zone.startOfDay(FiscalDay(daysSinceEpoch: day.daysSinceEpoch + 1))
            let window = (index.clientWindows[pem] ?? []).first { $0.overlaps(from: dayStart, to: dayEnd, asOf: asOf) }
            var reason: String?
            if let window, first != nil {
                reason =
                    "the day had a client offline window from \(zone.format(window.start)) and receipts issued"
                    + " through the API"
            } else if let first, asOf.millis - first.millis > 24 * 3_600_000 {
                reason = "it is still open more than 24 h after its first document (\(zone.format(first)))"
            }
            if let reason {
                findings.append(
                    Finding(
                        code: .journalNotClosed, pem: pem, fiscalDay: day,
                        detail: "the journal of \(pem) for \(day) is open: \(reason)"))
            }
        }
    }
}
