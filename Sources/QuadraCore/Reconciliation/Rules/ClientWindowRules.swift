/// `OFFLINE_PERIOD_NOT_NOTIFIED`: client windows no offline period was notified for.
extension Reconciler {
    mutating func evaluateClientWindows() {
        for pem in index.clientWindows.keys.sorted() {
            for window in index.clientWindows[pem] ?? []
            where !context.state.notifiedPeriods.contains(PemInstant(pem: pem, instant: window.start)) {
                let endText = window.end.map { zone.format($0) } ?? "still open at \(zone.format(asOf))"
                findings.append(
                    Finding(
                        code: .offlinePeriodNotNotified, pem: pem, fiscalDay: zone.fiscalDay(of: window.start),
                        detail: "the POS could not reach A-Cube from \(zone.format(window.start)) to \(endText);"
                            + " this offline period has not been notified",
                        subjectRest: [window.start.utcString]))
            }
        }
    }
}
