/// A communication failure between MF1 and MF2 restored before the PEM went offline.
public struct CommunicationIncident: Sendable, Hashable {
    public var pem: String
    public var start: Instant
    public var restoredAt: Instant
}
