import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that could not be opened or read: an operational failure whose description names the path.
public struct FileReadError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The path of the file, as the URL gave it.
    public var path: String
    /// What failed, in words: `cannot open the file: No such file or directory`.
    public var reason: String

    /// An error about the file at `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
    /// The same text as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }
}
