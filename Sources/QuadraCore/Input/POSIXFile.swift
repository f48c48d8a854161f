import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
