/// Why a JSON text could not be parsed, with the 1-based line and column of the problem.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public var description: String { "bad JSON at line \(line), column \(column): \(message)" }
}
