/// The figures of one (PEM, fiscal day) for the accountants' summary.
public struct DayStats: Sendable, Hashable {
    public var key: PemDay
    public var sales = 0
    public var salesAmount = Money.zero
    public var paid = 0
    public var paidAmount = Money.zero
    public var receipted = 0
    public var receiptedAmount = Money.zero
    public var offline = 0
    public var offlineAmount = Money.zero
    /// Whether an emergency report covers the day (submitted, or listed by A-Cube).
    public var covered = false
    /// Findings of this PEM and day, by severity.
    public var findings: [Severity: Int] = [:]

    public init(key: PemDay) { self.key = key }
}
