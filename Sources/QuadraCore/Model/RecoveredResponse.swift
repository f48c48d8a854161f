/// The parts of a recovered Spice response the reconciliation uses.
public struct RecoveredResponse: Sendable, Hashable {
    public var amount: Money?
    public var userOverride: Bool
    public var hostResponseText: String?

    public init(amount: Money?, userOverride: Bool, hostResponseText: String?) {
        self.amount = amount
        self.userOverride = userOverride
        self.hostResponseText = hostResponseText
    }
}
