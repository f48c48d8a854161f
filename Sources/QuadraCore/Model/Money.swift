/// An exact amount of euros, held as integer cents. Never a floating-point value.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var cents: Int64

    public init(cents: Int64) { self.cents = cents }

    public static let zero = Money(cents: 0)

    /// The largest amount read from any input: 99,999,999,999.99 euros. A bigger one rejects its record, so that
    /// every sum of a night's amounts is far from the 64-bit limit; the sums are checked all the same
    /// (`adding(_:)`), and an overflow rejects the record that caused it, never the night.
    public static let largestInput = Money(cents: 9_999_999_999_999)

    /// Whether `text` is a plain decimal amount refused only for having more whole digits than `largestInput`.
    public static func isTooLarge<S: StringProtocol>(_ text: S) -> Bool {
        let whole = text.utf8.prefix { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: ",") }
        return whole.count > 11 && whole.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `self + other`, or nil when the sum does not fit in 64 bits.
    @inline(__always)
    public func adding(_ other: Money) -> Money? {
        let (sum, overflow) = cents.addingReportingOverflow(other.cents)
        return overflow ? nil : Money(cents: sum)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents - rhs.cents) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.cents += rhs.cents }

    /// Euros as a decimal string with two decimals: `12.50`, `-0.05`.
    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let units = magnitude / 100
        let hundredths = magnitude % 100
        return "\(sign)\(units).\(hundredths < 10 ? "0" : "")\(hundredths)"
    }

    /// Parses a decimal string of euros exactly: `12`, `12.5`, `12.50`; with `allowComma`, also `12,50`.
    /// More than two decimals are accepted only when the extra digits are zeros; at most 11 digits of whole euros
    /// (`largestInput`). Returns nil otherwise.
    public static func parse<S: StringProtocol>(_ text: S, allowComma: Bool = false) -> Money? {
        parse(utf8: text.utf8, allowComma: allowComma)
    }

    /// Byte-level form of `parse(_:allowComma:)`.
    public static func parse<C: Collection>(utf8 bytes: C, allowComma: Bool = false) -> Money?
    where C.Element == UInt8 {
        var index = bytes.startIndex
        guard index != bytes.endIndex else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index = bytes.index(after: index)
        }
        var units: Int64 = 0
        var unitDigits = 0
        while index != bytes.endIndex, let digit = Self.digit(bytes[index]) {
            if unitDigits >= 11 { return nil }
            units = units * 10 + digit
            unitDigits += 1
            index = bytes.index(after: index)
        }
        guard unitDigits > 0 else { return nil }
        var fraction: Int64 = 0
        if index != bytes.endIndex {
            let separator = bytes[index]
            guard separator == UInt8(ascii: ".") || (allowComma && separator == UInt8(ascii: ",")) else { return nil }
            index = bytes.index(after: index)
            var fractionDigits = 0
            while index != bytes.endIndex, let digit = Self.digit(bytes[index]) {
                if fractionDigits < 2 {
                    fraction = fraction * 10 + digit
                } else if digit != 0 {
                    return nil
                }
                fractionDigits += 1
                index = bytes.index(after: index)
            }
            guard fractionDigits > 0, index == bytes.endIndex else { return nil }
            if fractionDigits == 1 { fraction *= 10 }
        }
        let cents = units * 100 + fraction
        return Money(cents: negative ? -cents : cents)
    }

    @inline(__always)
    private static func digit(_ byte: UInt8) -> Int64? {
        byte >= 0x30 && byte <= 0x39 ? Int64(byte - 0x30) : nil
    }
}
