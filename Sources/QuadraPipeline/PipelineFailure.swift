/// A run that could not be done (exit status 2): the message says what and where.
public struct PipelineFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
