import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A line `LineReader` skipped because it is longer than its limit: its number and its length.
public struct OverlongLine: Sendable, Hashable {
    /// The 1-based physical line number.
    public var line: Int
    /// The line's length in bytes, without its line end.
    public var bytes: Int

    public init(line: Int, bytes: Int) {
        self.line = line
        self.bytes = bytes
    }
}
