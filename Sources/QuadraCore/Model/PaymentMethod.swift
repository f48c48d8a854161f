/// How a sale was paid, as the POS and the registers write it.
public enum PaymentMethod: String, Sendable, Hashable, ByteSpelled {
    case cash
    case electronic
    case ticket
}

extension PaymentMethod {
    public static let spellings = ByteSpellings<PaymentMethod>()
}
