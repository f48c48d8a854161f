/// A decoded POS log line: the event and the terminal and sale it belongs to.
public struct PosRecord: Sendable, Hashable {
    public var terminal: String
    /// Nil only for `pos_started`.
    public var sale: String?
    public var event: PosEvent
}
