/// A calendar date, `2026-11-21`: the fiscal day of a sale, a register row or a journal.
public struct FiscalDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` after 1970-01-01 (proleptic Gregorian calendar).
    public init(daysSinceEpoch days: Int) {
        // Civil-from-days, after Howard Hinnant's public-domain date algorithms.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The first and last dates Quadra reads. Reports write dates as XML Schema `xs:date` and uploads name files by
    /// them, so every date must stay within years 0001–9999 after any offset or time zone moves it (less than two
    /// days either way): the first and last two days of that range are refused as well.
    public static let earliest = FiscalDay(year: 1, month: 1, day: 3)
    public static let latest = FiscalDay(year: 9999, month: 12, day: 29)

    /// A real date from `earliest` to `latest`: what readers accept.
    public var isReadable: Bool { isValid && !(self < Self.earliest) && !(Self.latest < self) }

    /// A real date of the proleptic Gregorian calendar.
    public var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return day <= (leap ? 29 : 28)
        case 4, 6, 9, 11: return day <= 30
        default: return day <= 31
        }
    }

    public static func < (lhs: FiscalDay, rhs: FiscalDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + CivilDateTime.pad2(month) + "-"
            + CivilDateTime.pad2(day)
    }

    /// Parses `YYYY-MM-DD`; nil when it is not a real date.
    public static func parse<S: StringProtocol>(_ text: S) -> FiscalDay? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let y = TimestampParser.number(bytes, 0, 4), let m = TimestampParser.number(bytes, 5, 2),
            let d = TimestampParser.number(bytes, 8, 2)
        else { return nil }
        let date = FiscalDay(year: y, month: m, day: d)
        return date.isReadable ? date : nil
    }
}
