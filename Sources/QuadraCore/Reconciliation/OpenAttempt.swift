/// An attempt the POS left in progress: what Spice recovery needs to ask about it.
public struct OpenAttempt: Sendable, Hashable {
    public var terminal: String
    public var sale: String
    public var posRefId: String
    public var kind: AttemptKind

    public init(terminal: String, sale: String, posRefId: String, kind: AttemptKind) {
        self.terminal = terminal
        self.sale = sale
        self.posRefId = posRefId
        self.kind = kind
    }
}
