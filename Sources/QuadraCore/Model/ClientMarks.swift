/// The receipt events that open (a failure: unreachable, timeout) and close (an issued receipt) client windows,
/// per PEM. Gathered sale by sale, merged across partitions, then swept into windows.
public struct ClientMarks: Sendable {
    var opens: [String: [Int64]] = [:]
    var closes: [String: [Int64]] = [:]

    public init() {}

    /// The client-window rule (formats.md §3), the one place it is written: an issued receipt closes its PEM's
    /// window (false), a failure opens one (true) when its reason says the POS could not reach A-Cube
    /// (`opensClientWindow`), and any other record marks nothing (nil). The decoded sales and the spilled records
    /// (read without decoding) both ask it.
    @inline(__always)
    static func mark(receiptIssued: Bool, failure reason: ReceiptFailureReason?) -> Bool? {
        if receiptIssued { return false }
        guard let reason, reason.opensClientWindow else { return nil }
        return true
    }

    public mutating func add(_ sale: SaleRecord) {
        for failure in sale.failures {
            if let opens = Self.mark(receiptIssued: false, failure: failure.reason) {
                add(pem: failure.pem, millis: failure.at.millis, opens: opens)
            }
        }
        for receipt in sale.receipts {
            if let opens = Self.mark(receiptIssued: true, failure: nil) {
                add(pem: receipt.event.pem, millis: receipt.event.at.millis, opens: opens)
            }
        }
    }

    /// Adds the mark of one record read: a failure that opens (`opens`) or an issued receipt that closes a window
    /// of `pem`.
    mutating func add(pem: String, millis: Int64, opens isOpening: Bool) {
        if isOpening {
            opens[pem, default: []].append(millis)
        } else {
            closes[pem, default: []].append(millis)
        }
    }

    public mutating func merge(_ other: ClientMarks) {
        opens.merge(other.opens) { $0 + $1 }
        closes.merge(other.closes) { $0 + $1 }
    }

    /// The windows of each PEM with one: from a failure to the next issued receipt (open-ended if none came).
    /// At the same instant a receipt is taken first, so a failure right after it opens a window.
    public func windows() -> [String: [OfflineWindow]] {
        var windows: [String: [OfflineWindow]] = [:]
        for (pem, unsortedOpens) in opens {
            let failures = unsortedOpens.sorted()
            let receipts = (closes[pem] ?? []).sorted()
            var pemWindows: [OfflineWindow] = []
            var next = 0  // the first receipt not yet passed
            var failure = 0
            while failure < failures.count {
                let start = failures[failure]
                // The first receipt at or after the failure? A receipt at the same instant comes first, so it
                // does not close this window: the window closes at the first receipt strictly after it.
                while next < receipts.count, receipts[next] <= start { next += 1 }
                guard next < receipts.count else {
                    pemWindows.append(OfflineWindow(pem: pem, kind: .client, start: Instant(millis: start), end: nil))
                    break
                }
                let end = receipts[next]
                pemWindows.append(
                    OfflineWindow(pem: pem, kind: .client, start: Instant(millis: start), end: Instant(millis: end)))
                // Failures before the closing receipt belong to this window; one at its instant opens the next.
                while failure < failures.count, failures[failure] < end { failure += 1 }
            }
            if !pemWindows.isEmpty { windows[pem] = pemWindows }
        }
        return windows
    }
}
