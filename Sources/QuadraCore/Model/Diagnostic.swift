/// One input problem: a line, row or file that could not be read. It becomes an `INPUT_REJECTED` finding
/// and never stops the night.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// What is wrong, in the form `what is wrong: expected X, found Y`, then the remedy where there is one.
    public var message: String
    /// True when the whole file was rejected rather than one line or row of it.
    public var wholeFile: Bool

    public init(location: SourceLocation, message: String, wholeFile: Bool = false) {
        self.location = location
        self.message = message
        self.wholeFile = wholeFile
    }

    public var description: String { "\(location): \(message)" }
}
