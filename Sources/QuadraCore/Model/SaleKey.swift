/// Identifies a POS sale: its terminal and the POS's own sale id.
public struct SaleKey: Sendable, Hashable, Comparable {
    public var terminal: String
    public var sale: String

    public init(terminal: String, sale: String) {
        self.terminal = terminal
        self.sale = sale
    }

    public static func < (lhs: SaleKey, rhs: SaleKey) -> Bool { (lhs.terminal, lhs.sale) < (rhs.terminal, rhs.sale) }
}
