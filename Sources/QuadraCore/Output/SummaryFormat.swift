/// Numbers, amounts, dates and times as the summary page's language writes them. Everything is computed here from
/// integers (cents, calendar fields): no locale from the environment and no Foundation formatter, so a page is the
/// same bytes on every machine.
public struct SummaryFormat: Sendable, Hashable {
    public var language: ReportLanguage

    public init(_ language: ReportLanguage) { self.language = language }

    /// A count with its thousands grouped: `1.234.567` (it), `1,234,567` (en).
    public func count(_ value: Int) -> String {
        let digits = grouped(String(value.magnitude))
        return value < 0 ? "-" + digits : digits
    }

    /// Euros: `€ 1.234,56` and `€ -1.234,56` (it), `€1,234.56` and `-€1,234.56` (en).
    public func amount(_ money: Money) -> String { amount(cents: Int128(money.cents)) }

    /// A total in euros, written as `amount(_:)` writes one amount.
    public func amount(_ total: MoneyTotal) -> String { amount(cents: total.cents) }

    private func amount(cents: Int128) -> String {
        let magnitude = cents.magnitude
        let hundredths = Int(magnitude % 100)
        let units = grouped(String(magnitude / 100))
        let fraction = (hundredths < 10 ? "0" : "") + String(hundredths)
        let negative = cents < 0
        switch language {
        case .italian: return "€ " + (negative ? "-" : "") + units + "," + fraction
        case .english: return (negative ? "-" : "") + "€" + units + "." + fraction
        }
    }

    /// A day in a table: `21/11/2026` (it), `21 Nov 2026` (en).
    public func date(_ day: FiscalDay) -> String {
        switch language {
        case .italian: return Self.pad2(day.day) + "/" + Self.pad2(day.month) + "/" + Self.year(day.year)
        case .english: return "\(day.day) \(Self.englishMonths[monthIndex(day)].prefix(3)) \(Self.year(day.year))"
        }
    }

    /// A day in a sentence, with its weekday: `sabato 21 novembre 2026` (it; the first of a month is `1°`),
    /// `Saturday 21 November 2026` (en).
    public func longDate(_ day: FiscalDay) -> String {
        let weekday = Int((day.daysSinceEpoch % 7 + 7 + 3) % 7)  // 1970-01-01 was a Thursday; 0 is Monday
        switch language {
        case .italian:
            return Self.italianWeekdays[weekday] + " " + datePhrase(day)
        case .english:
            return Self.englishWeekdays[weekday] + " " + datePhrase(day)
        }
    }

    /// A report time (RFC 3339 with its offset, as `RunInfo` holds it) as the language writes it:
    /// `22 novembre 2026, 06:00:00 (UTC+01:00)` (it), `22 November 2026, 06:00:00 (UTC+01:00)` (en); milliseconds
    /// after a decimal comma (it) or point (en). A text that is not such a time is written as it is.
    public func time(_ rfc3339: String) -> String {
        let bytes = Array(rfc3339.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let dayOfMonth = Self.number(bytes[8..<10]), Self.number(bytes[11..<13]) != nil,
            Self.number(bytes[14..<16]) != nil, Self.number(bytes[17..<19]) != nil
        else { return rfc3339 }
        let day = FiscalDay(year: year, month: month, day: dayOfMonth)
        guard day.isValid else { return rfc3339 }
        var index = 19
        var clock = String(decoding: bytes[11..<19], as: UTF8.self)
        if bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > start else { return rfc3339 }
            clock += (language == .italian ? "," : ".") + String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let offset: String
        let rest = bytes[index...]
        if rest.elementsEqual("Z".utf8) {
            offset = "UTC"
        } else if rest.count == 6, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"),
            Self.number(rest.dropFirst().prefix(2)) != nil, rest[rest.startIndex + 3] == UInt8(ascii: ":"),
            Self.number(rest.suffix(2)) != nil
        {
            offset = "UTC" + String(decoding: rest, as: UTF8.self)
        } else {
            return rfc3339
        }
        return datePhrase(day) + ", " + clock + " (" + offset + ")"
    }

    /// `21 novembre 2026`, `1° novembre 2026` (it); `21 November 2026` (en).
    private func datePhrase(_ day: FiscalDay) -> String {
        switch language {
        case .italian:
            return (day.day == 1 ? "1°" : String(day.day)) + " " + Self.italianMonths[monthIndex(day)] + " "
                + Self.year(day.year)
        case .english:
            return "\(day.day) " + Self.englishMonths[monthIndex(day)] + " " + Self.year(day.year)
        }
    }

    private func monthIndex(_ day: FiscalDay) -> Int { min(max(day.month, 1), 12) - 1 }

    /// Digits in groups of three, with the language's separator.
    private func grouped(_ digits: String) -> String {
        let separator: Character = language == .italian ? "." : ","
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3)
        for (position, digit) in digits.enumerated() {
            if position > 0, (digits.count - position) % 3 == 0 { out.append(separator) }
            out.append(digit)
        }
        return out
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func year(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    private static func number(_ bytes: some Collection<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return bytes.isEmpty ? nil : value
    }

    static let italianMonths = [
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
        "novembre", "dicembre",
    ]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    static let italianWeekdays = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
    static let englishWeekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}
