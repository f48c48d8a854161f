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

// MARK: - Line splitting

/// Cuts a stream of bytes into LF-terminated lines, carrying a partial line from one chunk to the next. A line
/// longer than `maximumLineBytes` is never held whole: once it is known to be too long, its bytes are only counted.
struct LineSplitter {
    /// The longest line delivered, without its line end.
    let maximumLineBytes: Int
    /// The number of the last line delivered or skipped.
    private(set) var lineNumber = 0
    /// The lines skipped for their length.
    private(set) var overlongLines: [OverlongLine] = []
    /// The start of a line whose end has not been seen yet (at most `maximumLineBytes` + 1 bytes: the one more may be
    /// the CR of a CRLF).
    private var carry: [UInt8] = []
    /// The length so far of a line found too long, whose end has not been seen yet; nil when there is none.
    private var skipped: Int?
    /// Whether the last byte of the line being skipped is a CR (not counted if the LF follows).
    private var skippedEndsInCR = false

    init(maximumLineBytes: Int = LineReader.defaultMaximumLineBytes) {
        self.maximumLineBytes = min(max(0, maximumLineBytes), Int.max - 1)
    }

    /// "after line 41", or "before the first line" when none was delivered.
    var positionText: String { lineNumber == 0 ? "before the first line" : "after line \(lineNumber)" }

    /// Delivers every line that ends in `chunk` and keeps the rest for later.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard let base = chunk.baseAddress else { return }
        let end = chunk.count
        var start = 0
        while start < end {
            guard let found = memchr(base + start, 0x0A, end - start) else {
                hold(UnsafeBufferPointer(start: base + start, count: end - start))
                return
            }
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let piece = UnsafeBufferPointer(start: base + start, count: newline - start)
            lineNumber += 1
            if let length = skipped {
                let endsInCR = piece.isEmpty ? skippedEndsInCR : piece[piece.count - 1] == 0x0D
                overlongLines.append(OverlongLine(line: lineNumber, bytes: length + piece.count - (endsInCR ? 1 : 0)))
                skipped = nil
            } else if carry.isEmpty {
                let line = Self.strippingCR(piece)
                if line.count > maximumLineBytes {
                    overlongLines.append(OverlongLine(line: lineNumber, bytes: line.count))
                } else {
                    try body(lineNumber, line)
                }
            } else if carry.count + piece.count > maximumLineBytes + 1 {
                // Too long even if it ends in a CR: count it, do not gather it.
                let endsInCR = piece.isEmpty ? carry.last == 0x0D : piece[piece.count - 1] == 0x0D
                overlongLines.append(
                    OverlongLine(line: lineNumber, bytes: carry.count + piece.count - (endsInCR ? 1 : 0)))
                carry = []
            } else {
                carry.append(contentsOf: piece)
                let number = lineNumber
                let delivered = try carry.withUnsafeBufferPointer { whole -> Bool in
                    let line = Self.strippingCR(whole)
                    guard line.count <= maximumLineBytes else { return false }
                    try body(number, line)
                    return true
                }
                if !delivered {
                    overlongLines.append(OverlongLine(line: number, bytes: carry.count))
                }
                carry.removeAll(keepingCapacity: carry.count <= 1 << 20)
            }
            start = newline + 1
        }
    }

    /// Keeps the start of a line whose end is in a later chunk, or counts it once it is too long.
    private mutating func hold(_ piece: UnsafeBufferPointer<UInt8>) {
        if let length = skipped {
            skipped = length + piece.count
            skippedEndsInCR = piece[piece.count - 1] == 0x0D
        } else if carry.count + piece.count > maximumLineBytes + 1 {
            skipped = carry.count + piece.count
            skippedEndsInCR = piece[piece.count - 1] == 0x0D
            carry = []
        } else {
            carry.append(contentsOf: piece)
        }
    }

    /// Delivers the last line when it had no LF (or counts it, when it is too long).
    mutating func finish(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let length = skipped {
            lineNumber += 1
            overlongLines.append(OverlongLine(line: lineNumber, bytes: length - (skippedEndsInCR ? 1 : 0)))
            skipped = nil
            return
        }
        guard !carry.isEmpty else { return }
        lineNumber += 1
        let number = lineNumber
        // Without an LF, a final CR is part of the line's end too.
        let delivered = try carry.withUnsafeBufferPointer { whole -> Bool in
            let line = Self.strippingCR(whole)
            guard line.count <= maximumLineBytes else { return false }
            try body(number, line)
            return true
        }
        if !delivered {
            overlongLines.append(OverlongLine(line: number, bytes: carry.count - (carry.last == 0x0D ? 1 : 0)))
        }
        carry.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func strippingCR(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let last = line.last, last == 0x0D else { return line }
        return UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)])
    }
}

// MARK: - Files

/// A file opened read-only with POSIX calls: no Foundation `Data` per chunk.
public struct POSIXFile {
    let path: String
    private let descriptor: Int32

    /// Opens `url` for reading; throws `FileReadError` naming the path. Only a regular file (or a link to one) is
    /// opened: the open does not block (a FIFO with no writer would hang the night), and anything that is not a
    /// regular file is refused before a byte is read.
    init(url: URL) throws {
        path = url.path
        let fd = url.withUnsafeFileSystemRepresentation { name -> Int32 in
            guard let name else { return -1 }
            return open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        }
        guard fd >= 0 else {
            throw FileReadError(path: path, reason: "cannot open the file: \(Self.lastError())")
        }
        if let kind = Self.notRegular(descriptor: fd) {
            Self.close(fd)
            throw FileReadError(path: path, reason: "not a regular file (\(kind)): not read")
        }
        // Reads of a regular file never block anyway; the flag is cleared so they are plain reads.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        descriptor = fd
    }

    /// What the open descriptor is when it is not a regular file (`a folder`, `a FIFO`…); nil for a regular file.
    public static func notRegular(descriptor: Int32) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "cannot be examined: \(lastError())" }
        return FileKind(mode: info.st_mode).notRegularDescription
    }

    /// Fills `buffer` as far as one `read` goes; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        while true {
            #if canImport(Darwin)
                let count = Darwin.read(descriptor, base, buffer.count)
            #elseif canImport(Glibc)
                let count = Glibc.read(descriptor, base, buffer.count)
            #else
                let count = Musl.read(descriptor, base, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw FileReadError(path: path, reason: "cannot read the file: \(Self.lastError())")
        }
    }

    /// Reads the whole file into memory.
    func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try read(into: buffer)
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    func close() { Self.close(descriptor) }

    private static func close(_ descriptor: Int32) {
        #if canImport(Darwin)
            _ = Darwin.close(descriptor)
        #elseif canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Musl.close(descriptor)
        #endif
    }

    /// Reads the whole file at `url` (a regular file only); throws `FileReadError` naming the path.
    public static func readAll(url: URL) throws -> [UInt8] {
        let file = try POSIXFile(url: url)
        defer { file.close() }
        return try file.readAll()
    }

    private static func lastError() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}
