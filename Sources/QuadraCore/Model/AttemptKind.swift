/// The kind of a Spice payment attempt; it picks the recovery endpoint.
public enum AttemptKind: String, Sendable, Hashable, ByteSpelled {
    case purchase
    case refund
    case cashout
    case moto
}

extension AttemptKind {
    public static let spellings = ByteSpellings<AttemptKind>()
}
