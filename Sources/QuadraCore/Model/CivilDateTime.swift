/// A calendar date and wall-clock time with no zone attached.
public struct CivilDateTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0)
    {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// The wall-clock time at `instant` in a zone that is `offsetSeconds` east of UTC.
    public init(instant: Instant, offsetSeconds: Int) {
        let localMillis = instant.millis + Int64(offsetSeconds) * 1000
        let (daysSinceEpoch, millisOfDay) = localMillis.floorDivided(by: 86_400_000)
        let date = FiscalDay(daysSinceEpoch: Int(daysSinceEpoch))
        let ms = Int(millisOfDay)
        self.init(
            year: date.year, month: date.month, day: date.day,
            hour: ms / 3_600_000, minute: ms / 60_000 % 60, second: ms / 1000 % 60, millisecond: ms % 1000)
    }

    public var date: FiscalDay { FiscalDay(year: year, month: month, day: day) }

    /// Milliseconds since the epoch if this wall-clock time were UTC.
    public var millisAsUTC: Int64 {
        let days = Int64(date.daysSinceEpoch)
        return days * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000
            + Int64(millisecond)
    }

    /// RFC 3339 text with the given offset: `2026-11-21T19:02:00+01:00`, milliseconds only when not zero.
    public func rfc3339(offsetSeconds: Int) -> String {
        var text = date.description + "T" + Self.pad2(hour) + ":" + Self.pad2(minute) + ":" + Self.pad2(second)
        if millisecond != 0 {
            text += "." + String(String(millisecond + 1000).dropFirst())
        }
        if offsetSeconds == 0 { return text + "Z" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let magnitude = abs(offsetSeconds) / 60
        return text + sign + Self.pad2(magnitude / 60) + ":" + Self.pad2(magnitude % 60)
    }

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
