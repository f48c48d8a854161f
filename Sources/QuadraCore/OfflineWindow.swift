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

/// A receipt event that opens (a failure) or closes (an issued receipt) a client window.
private struct Mark {
    var at: Instant
    var opens: Bool
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
        var marksByPem: [String: [Mark]] = [:]
        for sale in sales {
            for failure in sale.failures where failure.reason.opensClientWindow {
                marksByPem[failure.pem, default: []].append(Mark(at: failure.at, opens: true))
            }
            for receipt in sale.receipts {
                marksByPem[receipt.event.pem, default: []].append(Mark(at: receipt.event.at, opens: false))
            }
        }
        var windows: [String: [OfflineWindow]] = [:]
        for (pem, marks) in marksByPem {
            // At the same instant a receipt is taken first, so a failure right after it opens a window.
            let ordered = marks.sorted { $0.at != $1.at ? $0.at < $1.at : (!$0.opens && $1.opens) }
            var openSince: Instant?
            var pemWindows: [OfflineWindow] = []
            for mark in ordered {
                if mark.opens {
                    if openSince == nil { openSince = mark.at }
                } else if let start = openSince {
                    pemWindows.append(OfflineWindow(pem: pem, kind: .client, start: start, end: mark.at))
                    openSince = nil
                }
            }
            if let start = openSince {
                pemWindows.append(OfflineWindow(pem: pem, kind: .client, start: start, end: nil))
            }
            if !pemWindows.isEmpty { windows[pem] = pemWindows }
        }
        return windows
    }
}
