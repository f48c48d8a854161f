import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Spills records into partitions through one unlinked temporary file: each partition has a buffer, and a full
/// buffer is appended to the file as a chunk. One writer per worker thread.
final class SpillWriter {
    private let descriptor: Int32
    private var offset: Int64 = 0
    private var buffers: [SpillBuffer]
    /// Where each record is encoded first: its sale's hash is read from the bytes, then it is copied to its
    /// partition's buffer.
    private var scratch = SpillBuffer(capacity: 512)
    private(set) var chunks: [(partition: Int, chunk: SpilledSales.Chunk)] = []
    private let flushSize: Int
    let partitionCount: Int

    /// Creates the temporary file in `directory` and unlinks it at once.
    init(directory: URL, partitionCount: Int, flushSize: Int = 16 << 10) throws {
        let template = directory.appendingPathComponent("quadra-spill-XXXXXX").path
        var name = Array(template.utf8CString)
        let fd = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress.unsafelyUnwrapped) }
        guard fd >= 0 else {
            throw NightReadError(
                message:
                    "\(directory.path): cannot create a temporary file to spill the POS records (\(errnoText()));"
                    + " set TMPDIR to a writable folder with room for about half the POS logs' size")
        }
        _ = name.withUnsafeBufferPointer { unlink($0.baseAddress.unsafelyUnwrapped) }
        descriptor = fd
        self.partitionCount = partitionCount
        self.flushSize = flushSize
        buffers = (0..<partitionCount).map { _ in SpillBuffer(capacity: flushSize + 512) }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        scratch.deallocate()
    }

    /// The descriptor, handed over to `SpilledSales` (which closes it).
    var fileDescriptor: Int32 { descriptor }

    /// Spills the record of a line that the fast scanner declined, read by the strict path; the rejection (nothing
    /// spilled) when the line cannot be read.
    func appendStrictly(_ text: UnsafeBufferPointer<UInt8>, file: Int, line: Int, marks: inout ClientMarks) throws
        -> PosEventDecoder.Rejection?
    {
        scratch.count = 0
        var encoder = SpillEncoder<String>(out: scratch, file: file, line: line)
        let rejection = PosLineDecoding.strictly(text, lineNumber: line, into: &encoder)
        scratch = encoder.out
        if let rejection { return rejection }
        try place(marks: &marks)
        return nil
    }

    /// Spills the record of a line that the fast scanner can read, straight from the line's bytes; false (nothing
    /// spilled) when the line needs the strict path.
    func appendScanned(_ text: UnsafeBufferPointer<UInt8>, file: Int, line: Int, marks: inout ClientMarks) throws
        -> Bool
    {
        scratch.count = 0
        guard PosLineScanner.encode(text, file: file, line: line, into: &scratch) else { return false }
        try place(marks: &marks)
        return true
    }

    /// Copies the record in `scratch` to its partition's buffer.
    private func place(marks: inout ClientMarks) throws {
        let encoded = scratch.bytes
        let header = SpillDecoder.header(encoded, at: 0)
        if let mark = SpillDecoder.clientMark(encoded, header) {
            marks.add(pem: mark.pem, millis: mark.millis, opens: mark.opens)
        }
        let sale = header.sale ?? header.terminal.upperBound..<header.terminal.upperBound
        // The same sale always lands in the same partition.
        let partition = Int(
            SpillDecoder.keyHash(encoded, terminal: header.terminal, sale: sale) % UInt64(partitionCount))
        buffers[partition].append(encoded)
        if buffers[partition].count >= flushSize { try flush(partition) }
    }

    func finish() throws {
        for partition in 0..<partitionCount where buffers[partition].count > 0 { try flush(partition) }
    }

    private func flush(_ partition: Int) throws {
        let bytes = buffers[partition].bytes
        var done = 0
        while done < bytes.count {
            let count = write(descriptor, bytes.baseAddress.unsafelyUnwrapped + done, bytes.count - done)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw NightReadError(
                    message: "cannot write the temporary spill file (\(errnoText())); set TMPDIR to a folder"
                        + " with room for about half the POS logs' size")
            }
            done += count
        }
        chunks.append((partition, SpilledSales.Chunk(descriptor: descriptor, offset: offset, length: bytes.count)))
        offset += Int64(bytes.count)
        buffers[partition].count = 0
    }
}
