import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams a file line by line in fixed-size chunks, gunzipping it on the way when asked, and hashes
/// the raw bytes as it goes. Memory is bounded whatever the file holds: the chunk buffers, and one line of at most
/// `maximumLineBytes` (a longer one, plain or decompressed, is counted and skipped as it streams by).
public enum LineReader {
    /// The longest line delivered unless told otherwise: 16 MiB, far beyond any POS event (a sale of a thousand
    /// lines is about 50 KB), and small enough that a gzip bomb of one endless line costs no more.
    public static let defaultMaximumLineBytes = 16 << 20

    /// Calls `body` with each line of the file at `url` and returns what was read.
    ///
    /// Lines end at LF; a CR before it is dropped; a last line with no LF is still delivered. Line numbers
    /// are 1-based physical lines of the decoded text. The buffer handed to `body` is only valid during the
    /// call. `gzip` nil means "when the name ends in `.gz`". A damaged gzip stream does not throw: the lines
    /// decoded before the damage are delivered (never the partial one) and `truncation` says what happened.
    /// A line longer than `maximumLineBytes` (not counting its line end) is not delivered: it is skipped without
    /// being held, keeps its number, and is listed in `overlongLines`; the lines after it are read as usual.
    /// Throws `FileReadError` when the file cannot be opened or read, and whatever `body` throws.
    @discardableResult
    public static func forEachLine(
        url: URL, gzip: Bool? = nil, chunkSize: Int = 1 << 20, maximumLineBytes: Int = defaultMaximumLineBytes,
        _ body: (_ lineNumber: Int, _ line: UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> LineReadSummary {
        let path = url.path
        let isGzip = gzip ?? path.hasSuffix(".gz")
        let chunkSize = min(max(chunkSize, 1), 1 << 30)
        let file = try POSIXFile(url: url)
        defer { file.close() }

        var hasher = SHA256()
        var totalBytes: Int64 = 0
        var splitter = LineSplitter(maximumLineBytes: maximumLineBytes)
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { input.deallocate() }

        if !isGzip {
            while true {
                let count = try file.read(into: input)
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: input[0..<count])
                hasher.update(chunk)
                totalBytes += Int64(count)
                try splitter.feed(chunk.bindMemory(to: UInt8.self), body)
            }
            try splitter.finish(body)
            return LineReadSummary(
                sha256: SHA256.hex(hasher.finalize()), bytes: totalBytes, lines: splitter.lineNumber,
                overlongLines: splitter.overlongLines)
        }

        guard let inflater = GzipInflater() else {
            throw FileReadError(path: path, reason: "cannot start zlib's inflate (out of memory?)")
        }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { output.deallocate() }
        var damage: String?
        while true {
            let count = try file.read(into: input)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: input[0..<count])
            hasher.update(chunk)
            totalBytes += Int64(count)
            if damage != nil { continue }  // keep hashing the raw bytes, decode no further
            if let problem = try inflater.feed(chunk, through: output, { try splitter.feed($0, body) }) {
                damage = "corrupt gzip stream: \(problem), \(splitter.positionText)"
            }
        }
        if damage == nil && !inflater.isAtMemberBoundary {
            damage =
                totalBytes == 0
                ? "truncated gzip stream: the file is empty"
                : "truncated gzip stream: the file ends inside compressed data \(splitter.positionText)"
        }
        if damage == nil { try splitter.finish(body) }
        return LineReadSummary(
            sha256: SHA256.hex(hasher.finalize()), bytes: totalBytes, lines: splitter.lineNumber, truncation: damage,
            overlongLines: splitter.overlongLines)
    }
}
