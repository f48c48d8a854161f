/// A sum of many amounts (a day's sales), held as 128-bit cents: inputs are at most `Money.largestInput`, so no
/// night can make it overflow.
public struct MoneyTotal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var cents: Int128

    public init(cents: Int128 = 0) { self.cents = cents }

    public static let zero = MoneyTotal()

    public static func < (lhs: MoneyTotal, rhs: MoneyTotal) -> Bool { lhs.cents < rhs.cents }
    public static func += (lhs: inout MoneyTotal, rhs: Money) { lhs.cents += Int128(rhs.cents) }
    public static func += (lhs: inout MoneyTotal, rhs: MoneyTotal) { lhs.cents += rhs.cents }

    /// Euros with two decimals, as `Money` writes them: `12.50`, `-0.05`.
    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let hundredths = magnitude % 100
        return "\(sign)\(magnitude / 100).\(hundredths < 10 ? "0" : "")\(hundredths)"
    }
}
