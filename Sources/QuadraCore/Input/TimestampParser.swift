/// Byte-level parsing of RFC 3339 timestamps and of naive local times.
public enum TimestampParser {
    /// Parses `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` followed by `Z`, `±HH:MM` or nothing (local time).
    /// Seconds may be left out only by naive local times, as registers write `2026-11-21 19:02`.
    public static func parse<S: StringProtocol>(_ text: S) -> ParsedTimestamp? {
        parse(bytes: Array(text.utf8))
    }

    public static func parse(bytes: [UInt8]) -> ParsedTimestamp? {
        bytes.withUnsafeBufferPointer { parse(bytes: $0) }
    }

    /// Byte-level form of `parse(_:)` over a range of a larger buffer, such as a JSON string's bytes. Dates are
    /// those readers accept (`FiscalDay.isReadable`); with `anyDate`, every date of the calendar (RFC 3339's own
    /// grammar, for checking others' JSON against a schema).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>, anyDate: Bool = false) -> ParsedTimestamp? {
        let n = bytes.count
        guard n >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2)
        else { return nil }
        var index = 16
        var second = 0
        var millis = 0
        var hasSeconds = false
        if index < n, bytes[index] == UInt8(ascii: ":") {
            guard let s = number(bytes, index + 1, 2) else { return nil }
            second = s
            hasSeconds = true
            index += 3
            if index < n, bytes[index] == UInt8(ascii: ".") {
                index += 1
                var digits = 0
                while index < n, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    if digits < 3 { millis = millis * 10 + Int(bytes[index] - 0x30) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<max(digits, 3) { millis *= 10 }
            }
        }
        let civil = CivilDateTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millis)
        guard anyDate ? civil.date.isValid : civil.date.isReadable, hour < 24, minute < 60, second < 60 else {
            return nil
        }
        if index == n { return .local(civil) }
        guard hasSeconds else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == n else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == n, bytes[index + 3] == UInt8(ascii: ":"),
                let oh = number(bytes, index + 1, 2), let om = number(bytes, index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        return .absolute(Instant(millis: civil.millisAsUTC - Int64(offsetSeconds) * 1000))
    }

    /// Parses a timestamp that must carry an offset (RFC 3339).
    public static func parseAbsolute<S: StringProtocol>(_ text: S) -> Instant? {
        if case .absolute(let instant) = parse(text) { return instant }
        return nil
    }

    /// Parses the bytes of an RFC 3339 timestamp that must carry an offset.
    public static func parseAbsolute(bytes: UnsafeBufferPointer<UInt8>) -> Instant? {
        if case .absolute(let instant) = parse(bytes: bytes) { return instant }
        return nil
    }

    static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        bytes.withUnsafeBufferPointer { number($0, start, count) }
    }

    @inline(__always)
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for i in start..<(start + count) {
            let b = bytes[i]
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }
}
