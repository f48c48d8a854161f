/// The kind of a Spice payment attempt; it picks the recovery endpoint.
public enum AttemptKind: String, Sendable, Hashable, CaseIterable {
    case purchase
    case refund
    case cashout
    case moto
}
