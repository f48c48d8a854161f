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
