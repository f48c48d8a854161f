/// A period when a PEM could not issue receipts through the API.
public struct OfflineWindow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// From STATUS_OFFLINE to STATUS_ONLINE (scenario 2).
        case platform
        /// From the first `receipt_failed` (unreachable, timeout) to the next `receipt_issued` (scenario 1).
        case client
    }

    public var pem: String
    public var kind: Kind
    public var start: Instant
    /// Nil when the window was still open: it then ends at the run's as-of.
    public var end: Instant?

    public init(pem: String, kind: Kind, start: Instant, end: Instant?) {
        self.pem = pem
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Whether `instant` falls inside: from the start (included) to the end (excluded); an open window runs to
    /// the as-of, included.
    public func contains(_ instant: Instant, asOf: Instant) -> Bool {
        guard instant >= start else { return false }
        if let end { return instant < end }
        return instant <= asOf
    }

    /// The end, or the as-of for an open window.
    public func effectiveEnd(asOf: Instant) -> Instant { end ?? max(asOf, start) }

    /// Whether the window shares time with [from, to).
    public func overlaps(from: Instant, to: Instant, asOf: Instant) -> Bool {
        start < to && effectiveEnd(asOf: asOf) > from
    }
}

/// A communication failure between MF1 and MF2 restored before the PEM went offline.
public struct CommunicationIncident: Sendable, Hashable {
    public var pem: String
    public var start: Instant
    public var restoredAt: Instant
}

/// Derives the offline windows of formats.md §2.
public enum OfflineWindows {
    /// Platform windows and communication incidents of one PEM, from its notifications.
    public static func platform(pem: String, notifications: some Collection<AcubeNotification>)
        -> (windows: [OfflineWindow], incidents: [CommunicationIncident])
    {
        let ordered = notifications.sorted { ($0.createdAt, $0.uuid) < ($1.createdAt, $1.uuid) }
        var windows: [OfflineWindow] = []
        var incidents: [CommunicationIncident] = []
        var offlineSince: Instant?
        var failureSince: Instant?
        for notification in ordered {
            switch notification.event {
            case .offline:
                if offlineSince == nil { offlineSince = notification.createdAt }
                failureSince = nil
            case .online:
                if let start = offlineSince {
                    windows.append(OfflineWindow(pem: pem, kind: .platform, start: start, end: notification.createdAt))
                }
                offlineSince = nil
                failureSince = nil
            case .communicationFailure:
                if offlineSince == nil, failureSince == nil { failureSince = notification.createdAt }
            case .communicationRestored:
                if let start = failureSince, offlineSince == nil {
                    incidents.append(CommunicationIncident(pem: pem, start: start, restoredAt: notification.createdAt))
                }
                failureSince = nil
            }
        }
        if let start = offlineSince {
            windows.append(OfflineWindow(pem: pem, kind: .platform, start: start, end: nil))
        }
        return (windows, incidents)
    }

    /// Client windows per PEM from the POS receipt events of every sale.
    public static func client(sales: some Collection<SaleRecord>) -> [String: [OfflineWindow]] {
        var marks = ClientMarks()
        for sale in sales { marks.add(sale) }
        return marks.windows()
    }
}

/// The receipt events that open (a failure: unreachable, timeout) and close (an issued receipt) client windows,
/// per PEM. Gathered sale by sale, merged across partitions, then swept into windows.
public struct ClientMarks: Sendable {
    var opens: [String: [Int64]] = [:]
    var closes: [String: [Int64]] = [:]

    public init() {}

    public mutating func add(_ sale: SaleRecord) {
        for failure in sale.failures where failure.reason.opensClientWindow {
            opens[failure.pem, default: []].append(failure.at.millis)
        }
        for receipt in sale.receipts {
            closes[receipt.event.pem, default: []].append(receipt.event.at.millis)
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
