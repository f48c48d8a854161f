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

    /// A summary with every field given.
    public init(sha256: String, bytes: Int64, lines: Int, truncation: String? = nil) {
        self.sha256 = sha256
        self.bytes = bytes
        self.lines = lines
        self.truncation = truncation
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
/// the raw bytes as it goes.
public enum LineReader {
    /// Calls `body` with each line of the file at `url` and returns what was read.
    ///
    /// Lines end at LF; a CR before it is dropped; a last line with no LF is still delivered. Line numbers
    /// are 1-based physical lines of the decoded text. The buffer handed to `body` is only valid during the
    /// call. `gzip` nil means "when the name ends in `.gz`". A damaged gzip stream does not throw: the lines
    /// decoded before the damage are delivered (never the partial one) and `truncation` says what happened.
    /// Throws `FileReadError` when the file cannot be opened or read, and whatever `body` throws.
    @discardableResult
    public static func forEachLine(
        url: URL, gzip: Bool? = nil, chunkSize: Int = 1 << 20,
        _ body: (_ lineNumber: Int, _ line: UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> LineReadSummary {
        let path = url.path
        let isGzip = gzip ?? path.hasSuffix(".gz")
        let chunkSize = min(max(chunkSize, 1), 1 << 30)
        let file = try POSIXFile(url: url)
        defer { file.close() }

        var hasher = SHA256()
        var totalBytes: Int64 = 0
        var splitter = LineSplitter()
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
                sha256: SHA256.hex(hasher.finalize()), bytes: totalBytes, lines: splitter.lineNumber)
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
            sha256: SHA256.hex(hasher.finalize()), bytes: totalBytes, lines: splitter.lineNumber, truncation: damage)
    }
}

// MARK: - Line splitting

/// Cuts a stream of bytes into LF-terminated lines, carrying a partial line from one chunk to the next.
struct LineSplitter {
    /// The number of the last line delivered.
    private(set) var lineNumber = 0
    /// The start of a line whose end has not been seen yet.
    private var carry: [UInt8] = []

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
                carry.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
                return
            }
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            lineNumber += 1
            if carry.isEmpty {
                try body(lineNumber, Self.strippingCR(UnsafeBufferPointer(start: base + start, count: newline - start)))
            } else {
                carry.append(contentsOf: UnsafeBufferPointer(start: base + start, count: newline - start))
                let number = lineNumber
                try carry.withUnsafeBufferPointer { try body(number, Self.strippingCR($0)) }
                carry.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
    }

    /// Delivers the last line when it had no LF.
    mutating func finish(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !carry.isEmpty else { return }
        lineNumber += 1
        let number = lineNumber
        try carry.withUnsafeBufferPointer { try body(number, Self.strippingCR($0)) }
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
