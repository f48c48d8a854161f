/// The figures of one (PEM, fiscal day) for the accountants' summary. Amounts are `MoneyTotal`s: a day of any size
/// adds up without overflow.
public struct DayStats: Sendable, Hashable {
    public var key: PemDay
    public var sales = 0
    public var salesAmount = MoneyTotal.zero
    public var paid = 0
    public var paidAmount = MoneyTotal.zero
    public var receipted = 0
    public var receiptedAmount = MoneyTotal.zero
    public var offline = 0
    public var offlineAmount = MoneyTotal.zero
    /// Whether an emergency report covers the day (submitted, or listed by A-Cube).
    public var covered = false

    public init(key: PemDay) { self.key = key }
}

extension DayStats {
    /// Counts one sale of the day.
    mutating func add(sale total: Money, paid: Bool, receipted: Bool, offline: Bool) {
        sales += 1
        salesAmount += total
        if paid {
            self.paid += 1
            paidAmount += total
        }
        if receipted {
            self.receipted += 1
            receiptedAmount += total
        }
        if offline {
            self.offline += 1
            offlineAmount += total
        }
    }

    /// The figures of two parts of the same day added up (partitions of one night).
    public func adding(_ other: DayStats) -> DayStats {
        var sum = self
        sum.sales += other.sales
        sum.salesAmount += other.salesAmount
        sum.paid += other.paid
        sum.paidAmount += other.paidAmount
        sum.receipted += other.receipted
        sum.receiptedAmount += other.receiptedAmount
        sum.offline += other.offline
        sum.offlineAmount += other.offlineAmount
        sum.covered = covered || other.covered
        return sum
    }
}
