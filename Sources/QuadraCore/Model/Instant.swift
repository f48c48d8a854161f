/// A point in absolute time: milliseconds since 1970-01-01T00:00:00Z.
public struct Instant: Sendable, Hashable, Comparable {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(seconds: Int64) { self.millis = seconds * 1000 }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.millis < rhs.millis }

    public func adding(seconds: Int64) -> Instant { Instant(millis: millis + seconds * 1000) }

    /// The UTC form, `2026-11-21T18:02:00Z` (milliseconds only when not zero): a stable sort key.
    public var utcString: String { CivilDateTime(instant: self, offsetSeconds: 0).rfc3339(offsetSeconds: 0) }
}

extension Int64 {
    /// Floor division with a non-negative remainder.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = self / divisor
        var remainder = self % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
