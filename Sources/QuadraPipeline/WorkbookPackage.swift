import Foundation
import QuadraCore
import QuadraXML
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// Packs workbook parts into an Office Open XML package (a ZIP file, with ZIPFoundation): entries in the parts'
/// order, deflated, each dated 1980-01-01 00:00 (the ZIP epoch) with mode 0644, so the same parts always give the
/// same bytes.
///
/// ZIPFoundation wants an entry's size before its bytes, so a large part (a findings sheet) is first streamed to a
/// scratch file beside the package, then deflated from it a chunk at a time: memory stays flat whatever the rows.
enum WorkbookPackage {
    /// Every entry's date: the first the ZIP format can hold.
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)
    /// How much of a part is read and deflated at a time.
    static let chunkBytes = 1 << 18

    /// Writes the package of `parts` at `path` (replacing the empty file there).
    static func write(_ parts: [WorkbookPart], to path: String) throws {
        try pack(parts, to: path)
        try checkEnd(of: path, entries: parts.count)
    }

    /// ZIPFoundation ignores a failure of its last flush (a disk that fills then): the package must end with its
    /// end-of-central-directory record, naming every entry and the central directory just before it.
    static func checkEnd(of path: String, entries: Int) throws {
        let incomplete = OutputError(path: path, reason: "the workbook's ZIP is incomplete (is the disk full?)")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= 22 else { throw incomplete }
        var record = [UInt8](repeating: 0, count: 22)
        let count = record.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 22, status.st_size - 22) }
        func number(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(record[offset + $1]) << (8 * $1) }
        }
        guard count == 22, number(0, 4) == 0x0605_4b50, number(10, 2) == entries, number(20, 2) == 0 else {
            throw incomplete
        }
        // A ZIP64 archive (beyond 4 GiB) keeps its offsets elsewhere.
        let offset = number(16, 4)
        guard offset == 0xFFFF_FFFF || offset + number(12, 4) + 22 == Int(status.st_size) else { throw incomplete }
    }

    private static func pack(_ parts: [WorkbookPart], to path: String) throws {
        unlink(path)
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        } catch {
            throw OutputError(path: path, reason: SystemErrorText.describe(error))
        }
        for part in parts {
            if part.large {
                try addStreamed(part, to: archive, scratch: OutputDirectory.scratchPath(for: path, part: "part"))
            } else {
                let data = Data(try part.bytes())
                try add(part.path, size: data.count, to: archive, path: path) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        }
    }

    /// Writes `part` to a scratch file, then adds it to `archive` from there.
    private static func addStreamed(_ part: WorkbookPart, to archive: Archive, scratch: String) throws {
        let fd = Interruption.createTracked(scratch) {
            open(scratch, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw OutputError(path: scratch, reason: String(cString: strerror(errno))) }
        defer {
            close(fd)
            unlink(scratch)
            Interruption.untrack(scratch)
        }
        let file = BufferedFile(fd: fd)
        try part.write { file.append($0) }
        file.flush()
        if let failure = file.failure { throw OutputError(path: scratch, reason: String(cString: strerror(failure))) }
        try add(part.path, size: Int(file.written), to: archive, path: scratch) { position, size in
            var data = Data(count: size)
            var done = 0
            while done < size {
                let count = data.withUnsafeMutableBytes { buffer in
                    pread(fd, buffer.baseAddress.map { $0 + done }, size - done, off_t(position) + off_t(done))
                }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    throw OutputError(path: scratch, reason: count < 0 ? String(cString: strerror(errno)) : "cut short")
                }
                done += count
            }
            return data
        }
    }

    private static func add(
        _ name: String, size: Int, to archive: Archive, path: String, provider: (Int64, Int) throws -> Data
    ) throws {
        do {
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(size), modificationDate: entryDate,
                permissions: 0o644, compressionMethod: .deflate, bufferSize: chunkBytes, provider: provider)
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(path: path, reason: SystemErrorText.describe(error))
        }
    }

    /// Writes to a file descriptor in big chunks, remembering the first failure (a full disk) instead of throwing
    /// from libxml2's callback.
    private final class BufferedFile {
        let fd: Int32
        var buffer: [UInt8] = []
        var written: Int64 = 0
        var failure: Int32?

        init(fd: Int32) {
            self.fd = fd
            buffer.reserveCapacity(WorkbookPackage.chunkBytes)
        }

        func append(_ bytes: UnsafeRawBufferPointer) {
            buffer.append(contentsOf: bytes)
            if buffer.count >= WorkbookPackage.chunkBytes { flush() }
        }

        func flush() {
            guard failure == nil else {
                buffer.removeAll(keepingCapacity: true)
                return
            }
            var offset = 0
            while offset < buffer.count {
                let count = buffer.withUnsafeBytes {
                    Glibc.write(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                offset += count
            }
            written += Int64(offset)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
