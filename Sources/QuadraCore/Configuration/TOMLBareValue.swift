/// The values TOML writes without quotes or brackets: booleans, integers (decimal, `0x`, `0o`, `0b`), floats,
/// offset and local date-times, local dates and local times, each read from its token exactly as TOML 1.0's ABNF
/// writes it (underscores only between digits, no leading zeros, seconds required, dates that exist).
enum TOMLBareValue {
    enum Reading: Equatable {
        case value(TOMLValue)
        /// Why the token is no value (the caller adds what it found).
        case invalid(String)
    }

    static let expectedValue =
        "expected a value (a string in quotes, a number, true, false, a date or time, an array or an inline table)"
    static let expectedNumber = "expected a number like 42, -17, 0x2A, 0o52, 0b101010, 3.14, 6.02e23, inf or nan"
    static let expectedDate =
        "expected a date-time like 1979-05-27T07:32:00Z or 1979-05-27 07:32:00, a date like 1979-05-27 or a time "
        + "like 07:32:00.25 (seconds required, a date and time that exist)"

    /// A character a bare value's token may hold (a date and its time may also stand apart by one space).
    static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "+"
            || c == "-" || c == "." || c == ":"
    }

    /// The value of `token` (ASCII), or why it is none.
    static func read(_ token: [UInt8]) -> Reading {
        switch String(decoding: token, as: UTF8.self) {
        case "true": return .value(.boolean(true))
        case "false": return .value(.boolean(false))
        case "inf", "+inf": return .value(.float(.infinity))
        case "-inf": return .value(.float(-.infinity))
        case "nan", "+nan": return .value(.float(.nan))
        case "-nan": return .value(.float(-.nan))
        default: break
        }
        let looksLikeDate = token.count >= 5 && token[0..<4].allSatisfy(isDigit) && token[4] == UInt8(ascii: "-")
        let looksLikeTime = token.count >= 3 && token[0..<2].allSatisfy(isDigit) && token[2] == UInt8(ascii: ":")
        if looksLikeDate || looksLikeTime {
            return dateTime(token).map { .value($0) } ?? .invalid(expectedDate)
        }
        let unsigned =
            token.first == UInt8(ascii: "+") || token.first == UInt8(ascii: "-") ? token.dropFirst() : token[...]
        guard let first = unsigned.first, isDigit(first) else { return .invalid(expectedValue) }
        return number(token)
    }

    // MARK: - Numbers

    private static func number(_ token: [UInt8]) -> Reading {
        if token.count >= 2, token[0] == UInt8(ascii: "0") {
            switch token[1] {
            case UInt8(ascii: "x"): return radixInteger(token, radix: 16)
            case UInt8(ascii: "o"): return radixInteger(token, radix: 8)
            case UInt8(ascii: "b"): return radixInteger(token, radix: 2)
            default: break
            }
        }
        let negative = token[0] == UInt8(ascii: "-")
        let start = negative || token[0] == UInt8(ascii: "+") ? 1 : 0
        guard let integerEnd = digitRun(token, from: start, radix: 10) else { return .invalid(numberProblem(token)) }
        if integerEnd - start > 1 && token[start] == UInt8(ascii: "0") {
            return .invalid("a decimal number cannot start with 0 (write 0o… for octal)")
        }
        if integerEnd == token.count {
            var value: Int64 = 0
            for digit in token[start..<integerEnd] where digit != UInt8(ascii: "_") {
                let (product, overflowed) = value.multipliedReportingOverflow(by: 10)
                let step = Int64(digit - UInt8(ascii: "0"))
                let (sum, overflowedAgain) =
                    negative ? product.subtractingReportingOverflow(step) : product.addingReportingOverflow(step)
                guard !overflowed && !overflowedAgain else { return .invalid(outOfRange) }
                value = sum
            }
            return .value(.integer(value))
        }
        var end = integerEnd
        if token[end] == UInt8(ascii: ".") {
            guard let fractionEnd = digitRun(token, from: end + 1, radix: 10) else {
                return .invalid(numberProblem(token))
            }
            end = fractionEnd
        }
        if end < token.count, token[end] == UInt8(ascii: "e") || token[end] == UInt8(ascii: "E") {
            end += 1
            if end < token.count, token[end] == UInt8(ascii: "+") || token[end] == UInt8(ascii: "-") { end += 1 }
            guard let exponentEnd = digitRun(token, from: end, radix: 10) else { return .invalid(numberProblem(token)) }
            end = exponentEnd
        }
        guard end == token.count else { return .invalid(numberProblem(token)) }
        let digits = token[start...].filter { $0 != UInt8(ascii: "_") }
        guard let magnitude = Double(String(decoding: digits, as: UTF8.self)) else { return .invalid(expectedNumber) }
        return .value(.float(negative ? -magnitude : magnitude))
    }

    static let outOfRange =
        "the integer is outside the 64-bit range TOML sets (-9223372036854775808 to 9223372036854775807)"

    /// `0x…`, `0o…` or `0b…`: no sign, digits of the radix with underscores between them, at most `Int64.max`.
    private static func radixInteger(_ token: [UInt8], radix: Int64) -> Reading {
        guard let end = digitRun(token, from: 2, radix: radix), end == token.count else {
            return .invalid(numberProblem(token))
        }
        var value: Int64 = 0
        for character in token[2...] where character != UInt8(ascii: "_") {
            guard let digit = digitValue(character, radix: radix) else { return .invalid(expectedNumber) }
            let (product, overflowed) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflowedAgain) = product.addingReportingOverflow(digit)
            guard !overflowed && !overflowedAgain else { return .invalid(outOfRange) }
            value = sum
        }
        return .value(.integer(value))
    }

    /// The end of the digits (of `radix`) from `start`, underscores allowed between two digits; nil when none start
    /// there or an underscore is not followed by a digit.
    private static func digitRun(_ token: [UInt8], from start: Int, radix: Int64) -> Int? {
        guard start < token.count, digitValue(token[start], radix: radix) != nil else { return nil }
        var index = start + 1
        while index < token.count {
            if digitValue(token[index], radix: radix) != nil {
                index += 1
            } else if token[index] == UInt8(ascii: "_") {
                guard index + 1 < token.count, digitValue(token[index + 1], radix: radix) != nil else { return nil }
                index += 2
            } else {
                break
            }
        }
        return index
    }

    private static func digitValue(_ character: UInt8, radix: Int64) -> Int64? {
        let value: Int64
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int64(character - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int64(character - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int64(character - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return value < radix ? value : nil
    }

    /// Why a token that starts like a number is none: a misplaced underscore, a leading zero, or its shape.
    private static func numberProblem(_ token: [UInt8]) -> String {
        let radix: Int64 =
            token.count >= 2 && token[0] == UInt8(ascii: "0")
            ? [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][token[1]] ?? 10 : 10
        let firstDigit = radix == 10 ? 0 : 2
        for (index, character) in token.enumerated() where character == UInt8(ascii: "_") {
            let before = index > firstDigit ? digitValue(token[index - 1], radix: radix) : nil
            let after = index + 1 < token.count ? digitValue(token[index + 1], radix: radix) : nil
            if before == nil || after == nil { return "an underscore in a number must stand between two digits" }
        }
        let unsigned =
            token.first == UInt8(ascii: "+") || token.first == UInt8(ascii: "-") ? token.dropFirst() : token[...]
        if radix == 10, unsigned.count > 1, unsigned.first == UInt8(ascii: "0"),
            isDigit(unsigned[unsigned.startIndex + 1])
        {
            return "a decimal number cannot start with 0 (write 0o… for octal)"
        }
        return expectedNumber
    }

    // MARK: - Dates and times

    /// `1979-05-27T07:32:00.999-07:00` (`T`, `t` or a space between), `1979-05-27T07:32:00`, `1979-05-27`,
    /// `07:32:00`: RFC 3339's forms that TOML 1.0 takes, with dates and times that exist.
    private static func dateTime(_ token: [UInt8]) -> TOMLValue? {
        guard token.count >= 10, token[4] == UInt8(ascii: "-") else {
            guard let (time, end) = time(token, from: 0), end == token.count else { return nil }
            return .localTime(time)
        }
        guard token[7] == UInt8(ascii: "-"), let year = digits(token, 0, 4), let month = digits(token, 5, 2),
            let day = digits(token, 8, 2), (1...12).contains(month), day >= 1,
            day <= daysIn(month: month, year: year)
        else { return nil }
        let date = TOMLValue.Date(year: year, month: month, day: day)
        guard token.count > 10 else { return .localDate(date) }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(token[10]),
            let (time, end) = time(token, from: 11)
        else { return nil }
        if end == token.count { return .localDateTime(date, time) }
        if end + 1 == token.count, token[end] == UInt8(ascii: "Z") || token[end] == UInt8(ascii: "z") {
            return .offsetDateTime(date, time, offsetMinutes: 0)
        }
        guard end + 6 == token.count, token[end] == UInt8(ascii: "+") || token[end] == UInt8(ascii: "-"),
            let hours = digits(token, end + 1, 2), token[end + 3] == UInt8(ascii: ":"),
            let minutes = digits(token, end + 4, 2), hours <= 23, minutes <= 59
        else { return nil }
        let offset = hours * 60 + minutes
        return .offsetDateTime(date, time, offsetMinutes: token[end] == UInt8(ascii: "-") ? -offset : offset)
    }

    /// `HH:MM:SS` with an optional fraction, from `start`: the time and where it ends. A second of 60 is a leap
    /// second (RFC 3339); fraction digits past the nanosecond are truncated.
    private static func time(_ token: [UInt8], from start: Int) -> (TOMLValue.Time, Int)? {
        guard token.count >= start + 8, let hour = digits(token, start, 2), token[start + 2] == UInt8(ascii: ":"),
            let minute = digits(token, start + 3, 2), token[start + 5] == UInt8(ascii: ":"),
            let second = digits(token, start + 6, 2), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var end = start + 8
        var nanosecond = 0
        if end < token.count, token[end] == UInt8(ascii: ".") {
            var count = 0
            end += 1
            while end < token.count, isDigit(token[end]) {
                if count < 9 { nanosecond = nanosecond * 10 + Int(token[end] - UInt8(ascii: "0")) }
                count += 1
                end += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 9)..<9 { nanosecond *= 10 }
        }
        return (TOMLValue.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond), end)
    }

    private static func digits(_ token: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= token.count else { return nil }
        var value = 0
        for character in token[start..<(start + count)] {
            guard isDigit(character) else { return nil }
            value = value * 10 + Int(character - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isDigit(_ character: UInt8) -> Bool {
        character >= UInt8(ascii: "0") && character <= UInt8(ascii: "9")
    }
}
