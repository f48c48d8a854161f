import Foundation

/// The fiscal day of instant after instant, remembering the last one: a night's instants fall on very few days, and
/// the offset lookup is far cheaper than the calendar arithmetic. Same answers as `fiscalDay(of:)`.
struct FiscalDayMemo: Sendable {
    private var last: (number: Int64, day: FiscalDay)?

    mutating func day(of instant: Instant, in zone: FiscalTimeZone) -> FiscalDay {
        // The local date is a function of the local millisecond count's day number.
        let local = instant.millis + Int64(zone.offsetSeconds(at: instant)) * 1000
        let number = local.floorDivided(by: 86_400_000).quotient
        if let last, last.number == number { return last.day }
        let day = zone.fiscalDay(of: instant)
        last = (number, day)
        return day
    }
}
