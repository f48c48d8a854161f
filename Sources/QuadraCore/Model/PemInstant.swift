/// A PEM and an instant: the start of one of its windows.
public struct PemInstant: Sendable, Hashable {
    public var pem: String
    public var instant: Instant

    public init(pem: String, instant: Instant) {
        self.pem = pem
        self.instant = instant
    }
}
