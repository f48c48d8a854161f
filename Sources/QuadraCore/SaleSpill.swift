import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A POS record as it was read: the record, the index of its file in the night's sorted list of POS logs, and
/// its line. Sorting by (file, line) gives back the order a sequential read would have seen.
public struct SpilledRecord: Sendable {
    public var record: PosRecord
    public var file: Int
    public var line: Int
}

/// The POS records of a night, spilled to unlinked temporary files and split into partitions by sale
/// (terminal, sale id), so that every event of a sale is in one partition and a partition can be reconciled
/// alone. Memory then grows with one partition, not with the night. The files vanish when this is released
/// or when the process dies.
public final class SpilledSales: @unchecked Sendable {
    struct Chunk {
        var descriptor: Int32
        var offset: Int64
        var length: Int
    }

    public let partitionCount: Int
    /// Display paths of the POS logs by file index.
    public let files: [String]
    private let chunks: [[Chunk]]
    private let descriptors: [Int32]

    init(partitionCount: Int, files: [String], chunks: [[Chunk]], descriptors: [Int32]) {
        self.partitionCount = partitionCount
        self.files = files
        self.chunks = chunks
        self.descriptors = descriptors
    }

    deinit {
        for descriptor in descriptors { _ = close(descriptor) }
    }

    /// The bytes spilled, over every partition.
    public var spilledBytes: Int { chunks.reduce(0) { $0 + $1.reduce(0) { $0 + $1.length } } }

    /// The records of one partition, in read order (file, then line).
    public func records(partition: Int) throws -> [SpilledRecord] {
        var records: [SpilledRecord] = []
        for chunk in chunks[partition] {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk.length, alignment: 8)
            defer { buffer.deallocate() }
            var done = 0
            while done < chunk.length {
                let count = pread(
                    chunk.descriptor, buffer.baseAddress.unsafelyUnwrapped + done, chunk.length - done,
                    off_t(chunk.offset) + off_t(done))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    throw NightReadError(message: "the temporary spill file could not be read back: \(errnoText())")
                }
                done += count
            }
            var decoder = SpillDecoder(bytes: UnsafeRawBufferPointer(buffer))
            while !decoder.isAtEnd { records.append(decoder.next()) }
        }
        // Each worker wrote its files in order; restore the order of a sequential read across workers.
        records.sort { $0.file != $1.file ? $0.file < $1.file : $0.line < $1.line }
        return records
    }
}

func errnoText() -> String {
    guard let text = strerror(errno) else { return "error \(errno)" }
    return String(cString: text)
}

/// Spills records into partitions through one unlinked temporary file: each partition has a buffer, and a full
/// buffer is appended to the file as a chunk. One writer per worker thread.
final class SpillWriter {
    private let descriptor: Int32
    private var offset: Int64 = 0
    private var buffers: [[UInt8]]
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
        buffers = Array(repeating: [], count: partitionCount)
    }

    /// The descriptor, handed over to `SpilledSales` (which closes it).
    var fileDescriptor: Int32 { descriptor }

    func append(_ record: PosRecord, file: Int, line: Int) throws {
        let partition = Self.partition(terminal: record.terminal, sale: record.sale ?? "", count: partitionCount)
        SpillEncoder.encode(record, file: file, line: line, into: &buffers[partition])
        if buffers[partition].count >= flushSize { try flush(partition) }
    }

    func finish() throws {
        for partition in 0..<partitionCount where !buffers[partition].isEmpty { try flush(partition) }
        buffers = []
    }

    private func flush(_ partition: Int) throws {
        let length = buffers[partition].count
        try buffers[partition].withUnsafeBytes { bytes in
            var done = 0
            while done < length {
                let count = write(descriptor, bytes.baseAddress.unsafelyUnwrapped + done, length - done)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    throw NightReadError(
                        message: "cannot write the temporary spill file (\(errnoText())); set TMPDIR to a folder"
                            + " with room for about half the POS logs' size")
                }
                done += count
            }
        }
        chunks.append((partition, SpilledSales.Chunk(descriptor: descriptor, offset: offset, length: length)))
        offset += Int64(length)
        buffers[partition].removeAll(keepingCapacity: true)
    }

    /// The partition of a sale: FNV-1a of terminal and sale id, so the same sale always lands in the same one.
    static func partition(terminal: String, sale: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in terminal.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3
        for byte in sale.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(count))
    }
}

// MARK: - Encoding

/// The spill format of one record: tag, file, line, terminal, sale, then the event's fields. Integers are
/// little-endian; strings are a 32-bit length and UTF-8 bytes. Only this process reads it back.
enum SpillEncoder {
    static func encode(_ record: PosRecord, file: Int, line: Int, into out: inout [UInt8]) {
        switch record.event {
        case .sale: out.append(0)
        case .paymentRequest: out.append(1)
        case .paymentResponse: out.append(2)
        case .receiptIssued: out.append(3)
        case .receiptFailed: out.append(4)
        case .posStarted: out.append(5)
        }
        int(Int64(file), &out)
        int(Int64(line), &out)
        string(record.terminal, &out)
        optionalString(record.sale, &out)
        switch record.event {
        case .sale(let sale):
            int(sale.at.millis, &out)
            string(sale.pem, &out)
            int(sale.total.cents, &out)
            string(sale.payment.rawValue, &out)
            int(Int64(sale.lines.count), &out)
            for line in sale.lines {
                string(line.vat.code, &out)
                int(line.gross.cents, &out)
            }
        case .paymentRequest(let request):
            int(request.at.millis, &out)
            string(request.posRefId, &out)
            string(request.kind.rawValue, &out)
            int(request.amount.cents, &out)
        case .paymentResponse(let response):
            int(response.at.millis, &out)
            string(response.posRefId, &out)
            out.append(response.success ? 1 : 0)
            out.append(response.amount == nil ? 0 : 1)
            int(response.amount?.cents ?? 0, &out)
            out.append(response.userOverride ? 1 : 0)
            optionalString(response.hostResponseText, &out)
        case .receiptIssued(let issued):
            int(issued.at.millis, &out)
            string(issued.pem, &out)
            string(issued.receiptUuid, &out)
            string(issued.documentNumber, &out)
            int(issued.total.cents, &out)
        case .receiptFailed(let failure):
            int(failure.at.millis, &out)
            string(failure.pem, &out)
            string(failure.reason.rawValue, &out)
        case .posStarted(let at):
            int(at.millis, &out)
        }
    }

    @inline(__always)
    private static func int(_ value: Int64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func string(_ text: String, _ out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
        }
    }

    private static func optionalString(_ text: String?, _ out: inout [UInt8]) {
        if let text {
            out.append(1)
            string(text, &out)
        } else {
            out.append(0)
        }
    }
}

/// Reads back what `SpillEncoder` wrote.
struct SpillDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func next() -> SpilledRecord {
        let tag = byte()
        let file = Int(int())
        let line = Int(int())
        let terminal = string()
        let sale = optionalString()
        let at = Instant(millis: int())
        let event: PosEvent
        switch tag {
        case 0:
            let pem = string()
            let total = Money(cents: int())
            let payment = PaymentMethod(rawValue: string()) ?? .cash
            let count = Int(int())
            var lines: [VatAmount] = []
            lines.reserveCapacity(count)
            for _ in 0..<count {
                let code = string()
                let gross = Money(cents: int())
                if let vat = VatCode(code) { lines.append(VatAmount(vat: vat, gross: gross)) }
            }
            event = .sale(SaleEvent(at: at, pem: pem, total: total, payment: payment, lines: lines))
        case 1:
            let ref = string()
            let kind = AttemptKind(rawValue: string()) ?? .purchase
            event = .paymentRequest(PaymentRequestEvent(at: at, posRefId: ref, kind: kind, amount: Money(cents: int())))
        case 2:
            let ref = string()
            let success = byte() == 1
            let hasAmount = byte() == 1
            let cents = int()
            let userOverride = byte() == 1
            event = .paymentResponse(
                PaymentResponseEvent(
                    at: at, posRefId: ref, success: success, amount: hasAmount ? Money(cents: cents) : nil,
                    userOverride: userOverride, hostResponseText: optionalString()))
        case 3:
            let pem = string()
            let uuid = string()
            let number = string()
            event = .receiptIssued(
                ReceiptIssuedEvent(
                    at: at, pem: pem, receiptUuid: uuid, documentNumber: number, total: Money(cents: int())))
        case 4:
            let pem = string()
            event = .receiptFailed(
                ReceiptFailedEvent(at: at, pem: pem, reason: ReceiptFailureReason(rawValue: string()) ?? .rejected))
        default:
            event = .posStarted(at: at)
        }
        return SpilledRecord(record: PosRecord(terminal: terminal, sale: sale, event: event), file: file, line: line)
    }

    @inline(__always)
    private mutating func byte() -> UInt8 {
        defer { index += 1 }
        return bytes[index]
    }

    @inline(__always)
    private mutating func int() -> Int64 {
        defer { index += 8 }
        return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: Int64.self))
    }

    private mutating func string() -> String {
        let count = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
        index += 4
        defer { index += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<index + count]), as: UTF8.self)
    }

    private mutating func optionalString() -> String? {
        byte() == 1 ? string() : nil
    }
}
