/// The instant of an A-Cube timestamp (formats.md §1.2): `TimestampParser.parse`, then `FiscalTimeZone.instant(of:)`
/// for a local time, remembering the last date read and the last run of one offset: most times of a page share
/// both, and then cost neither a date computation nor a search. One per file read.
struct AcubeTimestamps {
    let timeZone: FiscalTimeZone
    /// Whether a local time was parsed: then `dayBytes` are its first ten bytes (a valid `YYYY-MM-DD`), `day` its
    /// date and `dayMillis` that day's first millisecond read as UTC.
    var hasDay = false
    var dayBytes: (UInt64, UInt16) = (0, 0)
    var day = FiscalDay(year: 1970, month: 1, day: 1)
    var dayMillis: Int64 = 0
    /// Local times (read as UTC, in milliseconds) from `low` to `high` are `offsetMillis` ahead of their instant.
    var low: Int64 = 1
    var high: Int64 = 0
    var offsetMillis: Int64 = 0

    init(timeZone: FiscalTimeZone) { self.timeZone = timeZone }

    /// The instant of a timestamp's text; nil where `TimestampParser` refuses it.
    mutating func instant(_ text: UnsafeBufferPointer<UInt8>) -> Instant? {
        // `YYYY-MM-DDTHH:MM:SS` on the last date: what `TimestampParser` reads, without its date checks.
        if hasDay, text.count == 19, let base = text.baseAddress, Self.dayBytes(base) == dayBytes,
            text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: "t") || text[10] == UInt8(ascii: " "),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            let hour = TimestampParser.number(text, 11, 2), let minute = TimestampParser.number(text, 14, 2),
            let second = TimestampParser.number(text, 17, 2), hour < 24, minute < 60, second < 60
        {
            let civil = CivilDateTime(
                year: day.year, month: day.month, day: day.day, hour: hour, minute: minute, second: second)
            let asUTC = dayMillis + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000
            return instant(local: civil, asUTC: asUTC)
        }
        switch TimestampParser.parse(bytes: text) {
        case .absolute(let instant)?:
            return instant
        case .local(let civil)?:
            if let base = text.baseAddress {
                // The parser read a valid date from these ten bytes.
                hasDay = true
                dayBytes = Self.dayBytes(base)
                day = civil.date
                dayMillis = Int64(civil.date.daysSinceEpoch) * 86_400_000
            }
            return instant(local: civil, asUTC: civil.millisAsUTC)
        case nil:
            return nil
        }
    }

    /// `timeZone.instant(forLocal: civil)`, `asUTC` being `civil.millisAsUTC`.
    mutating func instant(local civil: CivilDateTime, asUTC: Int64) -> Instant {
        if asUTC >= low, asUTC <= high { return Instant(millis: asUTC - offsetMillis) }
        if let run = timeZone.offsetRun(at: Instant(millis: asUTC)) {
            // `instant(forLocal:)` asks for the offsets 12 hours either side of `asUTC` and at `asUTC` less an
            // offset: when they all fall in one run of offset `o`, it gives `asUTC - o`.
            let margin = max(12 * 3_600_000, Int64(run.offset.magnitude) * 1000)
            low = run.start * 1000 + margin
            high = run.end * 1000 - 1 - margin
            offsetMillis = Int64(run.offset) * 1000
        }
        return timeZone.instant(forLocal: civil)
    }

    /// The first ten bytes at `base` (the caller checked there are enough).
    @inline(__always)
    static func dayBytes(_ base: UnsafePointer<UInt8>) -> (UInt64, UInt16) {
        let raw = UnsafeRawPointer(base)
        return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
    }
}
