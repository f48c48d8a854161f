import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `LineReader` saw of one file: the raw bytes' SHA-256 and size, the lines delivered, and any damage.
public struct LineReadSummary: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the raw file bytes (the compressed bytes for a `.gz` file).
    public var sha256: String
    /// Size of the raw file in bytes.
    public var bytes: Int64
    /// Lines delivered to the caller (the number of the last one).
    public var lines: Int
    /// What went wrong with a damaged gzip stream, and after which line; nil when the file was whole.
    public var truncation: String?
    /// Lines longer than the reader's limit, in order: skipped, never handed to the caller.
    public var overlongLines: [OverlongLine]

    /// A summary with every field given.
    public init(
        sha256: String, bytes: Int64, lines: Int, truncation: String? = nil, overlongLines: [OverlongLine] = []
    ) {
        self.sha256 = sha256
        self.bytes = bytes
        self.lines = lines
        self.truncation = truncation
        self.overlongLines = overlongLines
    }
}
