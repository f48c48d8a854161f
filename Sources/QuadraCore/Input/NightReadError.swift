import Foundation

/// A failure that stops the run before anything is written (exit 2): the night cannot be read at all.
public struct NightReadError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
