/// How a sale was paid, as the POS and the registers write it.
public enum PaymentMethod: String, Sendable, Hashable, CaseIterable {
    case cash
    case electronic
    case ticket
}
