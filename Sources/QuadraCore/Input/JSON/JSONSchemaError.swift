/// Why a JSON Schema document could not be loaded: an unsupported keyword, a malformed keyword or a bad `$ref`.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, starting with the JSON Pointer of the schema at fault.
    public var message: String

    /// An error explained by `message`.
    public init(message: String) {
        self.message = message
    }

    /// The message, marked as a schema problem.
    public var description: String { "bad JSON Schema: " + message }
}
