import Foundation

/// The fiscal time zone (`Europe/Rome` by default): turns instants into fiscal days and local times back
/// into instants, DST-safe.
public struct FiscalTimeZone: Sendable {
    public let identifier: String
    private let zone: TimeZone
    /// The zone's offset changes from 1970 to 2200, so an offset is a binary search and not a call into ICU
    /// (which costs about a microsecond): `offsets[i]` holds from `changes[i]` (seconds) to the next change.
    private let changes: [Int64]
    private let offsets: [Int]

    private static let tableStart: Int64 = 0  // 1970-01-01
    private static let tableEnd: Int64 = 7_258_118_400  // 2200-01-01

    /// Nil when the identifier is not a known IANA zone.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
        var changes: [Int64] = [Self.tableStart]
        var offsets: [Int] = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(Self.tableStart)))]
        var cursor = Date(timeIntervalSince1970: TimeInterval(Self.tableStart))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < TimeInterval(Self.tableEnd), next > cursor
        {
            let seconds = Int64(next.timeIntervalSince1970.rounded(.down))
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
            if offset != offsets[offsets.count - 1] {
                changes.append(seconds)
                offsets.append(offset)
            }
            cursor = next
        }
        self.changes = changes
        self.offsets = offsets
    }

    public static let rome: FiscalTimeZone = {
        guard let zone = FiscalTimeZone(identifier: "Europe/Rome") else {
            fatalError("the Europe/Rome time zone is missing: install the tzdata package")
        }
        return zone
    }()

    /// Seconds east of UTC at `instant`.
    public func offsetSeconds(at instant: Instant) -> Int {
        let seconds = instant.millis.floorDivided(by: 1000).quotient
        guard seconds >= Self.tableStart, seconds < Self.tableEnd else { return icuOffsetSeconds(at: instant) }
        // The last change at or before `seconds`.
        var low = 0
        var high = changes.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if changes[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    /// The run of whole seconds around `instant` over which `offsetSeconds(at:)` stays what it is at `instant`:
    /// that offset, the run's first second and the second after its last. Nil outside the table.
    func offsetRun(at instant: Instant) -> (offset: Int, start: Int64, end: Int64)? {
        let seconds = instant.millis.floorDivided(by: 1000).quotient
        guard seconds >= Self.tableStart, seconds < Self.tableEnd else { return nil }
        var low = 0
        var high = changes.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if changes[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return (offsets[low], changes[low], low + 1 < changes.count ? changes[low + 1] : Self.tableEnd)
    }

    /// The offset as Foundation (ICU) computes it: the reference for the table above.
    func icuOffsetSeconds(at instant: Instant) -> Int {
        let seconds = instant.millis.floorDivided(by: 1000).quotient
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The calendar date of `instant` in this zone.
    public func fiscalDay(of instant: Instant) -> FiscalDay {
        CivilDateTime(instant: instant, offsetSeconds: offsetSeconds(at: instant)).date
    }

    /// RFC 3339 text of `instant` with this zone's offset at that instant.
    public func format(_ instant: Instant) -> String {
        let offset = offsetSeconds(at: instant)
        return CivilDateTime(instant: instant, offsetSeconds: offset).rfc3339(offsetSeconds: offset)
    }

    /// The instant a local wall-clock time names. In the autumn hour that happens twice, the earlier
    /// instant; in the spring hour that does not exist, the time is read with the offset before the change
    /// (02:30 becomes 03:30 summer time).
    public func instant(forLocal civil: CivilDateTime) -> Instant {
        let asUTC = civil.millisAsUTC
        let before = offsetSeconds(at: Instant(millis: asUTC - 12 * 3_600_000))
        let after = offsetSeconds(at: Instant(millis: asUTC + 12 * 3_600_000))
        let candidateBefore = Instant(millis: asUTC - Int64(before) * 1000)
        let candidateAfter = Instant(millis: asUTC - Int64(after) * 1000)
        let beforeValid = offsetSeconds(at: candidateBefore) == before
        let afterValid = offsetSeconds(at: candidateAfter) == after
        switch (beforeValid, afterValid) {
        case (true, true): return min(candidateBefore, candidateAfter)
        case (false, true): return candidateAfter
        default: return candidateBefore
        }
    }

    /// The instant of a parsed timestamp: absolute as is, local in this zone.
    public func instant(of timestamp: ParsedTimestamp) -> Instant {
        switch timestamp {
        case .absolute(let instant): return instant
        case .local(let civil): return instant(forLocal: civil)
        }
    }

    /// The first instant of `day` in this zone.
    public func startOfDay(_ day: FiscalDay) -> Instant {
        instant(forLocal: CivilDateTime(year: day.year, month: day.month, day: day.day))
    }
}

extension Instant {
    /// The instant of a Foundation date, to the millisecond (rounded down). Callers pass the clock's date;
    /// the core never reads a clock itself.
    public init(date: Date) {
        self.init(millis: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
