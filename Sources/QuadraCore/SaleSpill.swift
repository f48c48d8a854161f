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

    /// The records of one partition, in read order (file, then line). Every record is decoded: for tests and
    /// `materializedLedger`; reconciling walks the partition sale by sale with `forEachSale`.
    public func records(partition: Int) throws -> [SpilledRecord] {
        let bytes = try partitionBytes(partition)
        defer { bytes.deallocate() }
        var records: [SpilledRecord] = []
        var offset = 0
        while offset < bytes.count {
            let header = SpillDecoder.header(UnsafeRawBufferPointer(bytes), at: offset)
            records.append(SpillDecoder.record(UnsafeRawBufferPointer(bytes), header))
            offset += header.length
        }
        // Each worker wrote its files in order; restore the order of a sequential read across workers.
        records.sort { $0.file != $1.file ? $0.file < $1.file : $0.line < $1.line }
        return records
    }

    /// Walks the sales of one partition: each sale's records are put in read order (file, then line) and folded
    /// into a `SaleRecord` by the ledger's rules (a repeat counts once, a conflicting record is handed to
    /// `conflict` and left out); the sales are handed to `body` up to `batchSize` at a time. Sales come in no
    /// particular order; records without a sale (`pos_started`) are skipped. The records of a batch are reused
    /// for the next one (their arrays keep their capacity): `body` must not keep the slice.
    ///
    /// Nothing is decoded to find the sales: each record's header is read in place and its sale's 64-bit hash of
    /// (terminal, sale) looked up in an open-addressing table that chains the records of each hash in the order
    /// they lie in the partition. Then a hash at a time, its records are put in (file, line) order, decoded and
    /// folded; records whose hashes collide are told apart by their bytes.
    ///
    /// `keyHash` is for tests, which make every hash collide.
    public func forEachSale(
        partition: Int, keyHash: KeyHash = SpillDecoder.keyHash, batchSize: Int = 256,
        conflict: (_ record: SpilledConflict) -> Void, _ body: (ArraySlice<SaleRecord>) -> Void
    ) throws {
        let storage = try partitionBytes(partition)
        defer { storage.deallocate() }
        let bytes = UnsafeRawBufferPointer(storage)
        var entries: [SpillEntry] = []
        entries.reserveCapacity(bytes.count / 64)
        var offset = 0
        while offset < bytes.count {
            let header = SpillDecoder.header(bytes, at: offset)
            if let sale = header.sale, header.tag != SpillTag.posStarted.rawValue {
                entries.append(
                    SpillEntry(
                        hash: keyHash(bytes, header.terminal, sale),
                        file: header.file, line: header.line, offset: offset))
            }
            offset += header.length
        }
        let groups = HashChains(entries)
        var group: [SpillEntry] = []
        var batch = Batch(size: batchSize)
        for head in groups.heads {
            group.removeAll(keepingCapacity: true)
            var link = head
            while link >= 0 {
                group.append(entries[Int(link)])
                link = groups.next[Int(link)]
            }
            // Read order: a sale's records usually come from one file, already in order.
            if group.indices.dropFirst().contains(where: { !SpillEntry.readOrder(group[$0 - 1], group[$0]) }) {
                group.sort(by: SpillEntry.readOrder)
            }
            let first = SpillDecoder.header(bytes, at: group[0].offset)
            if group.allSatisfy({ SpillDecoder.sameSale(bytes, first, SpillDecoder.header(bytes, at: $0.offset)) }) {
                batch.add(body) { fold(group[...], bytes, into: &$0, conflict: conflict) }
                continue
            }
            // A hash collision: split the group by the exact (terminal, sale), keeping the read order.
            var remaining = group
            while let headEntry = remaining.first {
                let headHeader = SpillDecoder.header(bytes, at: headEntry.offset)
                let isSame = { (entry: SpillEntry) in
                    SpillDecoder.sameSale(bytes, headHeader, SpillDecoder.header(bytes, at: entry.offset))
                }
                let same = remaining.filter(isSame)
                batch.add(body) { fold(same[...], bytes, into: &$0, conflict: conflict) }
                remaining.removeAll(where: isSame)
            }
        }
        batch.flush(body)
    }

    /// Folds the records of one sale (in read order) into `sale`, emptied first.
    private func fold(
        _ entries: ArraySlice<SpillEntry>, _ bytes: UnsafeRawBufferPointer, into sale: inout SaleRecord,
        conflict: (SpilledConflict) -> Void
    ) {
        let first = SpillDecoder.header(bytes, at: entries[entries.startIndex].offset)
        let terminal = SpillDecoder.string(bytes, first.terminal)
        let saleId = SpillDecoder.string(bytes, first.sale.unsafelyUnwrapped)
        sale.reset(terminal: terminal, saleId: saleId)
        for entry in entries {
            let header = SpillDecoder.header(bytes, at: entry.offset)
            let event = SpillDecoder.event(bytes, header)
            let location = SourceLocation(file: files[entry.file], line: entry.line)
            if let message = SaleLedger.apply(event, saleId: saleId, terminal: terminal, at: location, to: &sale) {
                conflict(SpilledConflict(file: entry.file, location: location, message: message, event: event))
            }
        }
    }

    /// Sales gathered for `body`, in records that are reused from one batch to the next.
    private struct Batch {
        private var records: [SaleRecord] = []
        private var count = 0
        let size: Int

        init(size: Int) { self.size = max(1, size) }

        /// Folds the next sale with `fill` into a record of the batch; a full batch goes to `body` first.
        mutating func add(_ body: (ArraySlice<SaleRecord>) -> Void, _ fill: (inout SaleRecord) -> Void) {
            if count == size { flush(body) }
            if count == records.count { records.append(SaleRecord(terminal: "", saleId: "")) }
            fill(&records[count])
            count += 1
        }

        /// Hands the sales gathered so far to `body`.
        mutating func flush(_ body: (ArraySlice<SaleRecord>) -> Void) {
            if count > 0 { body(records[0..<count]) }
            count = 0
        }
    }

    /// The bytes of one partition's chunks, one after the other; the caller deallocates them.
    private func partitionBytes(_ partition: Int) throws -> UnsafeMutableRawBufferPointer {
        let total = chunks[partition].reduce(0) { $0 + $1.length }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 8)
        var position = 0
        for chunk in chunks[partition] {
            var done = 0
            while done < chunk.length {
                let count = pread(
                    chunk.descriptor, buffer.baseAddress.unsafelyUnwrapped + position + done, chunk.length - done,
                    off_t(chunk.offset) + off_t(done))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    buffer.deallocate()
                    throw NightReadError(message: "the temporary spill file could not be read back: \(errnoText())")
                }
                done += count
            }
            position += chunk.length
        }
        return buffer
    }
}

/// The hash that gathers a sale's records: of a record's bytes, its terminal's and its sale id's ranges.
public typealias KeyHash = (UnsafeRawBufferPointer, Range<Int>, Range<Int>) -> UInt64

/// A spilled record that conflicts with one read before it: where it is, why it is left out, and what it was.
public struct SpilledConflict {
    /// The index of its file in `SpilledSales.files`.
    public var file: Int
    public var location: SourceLocation
    public var message: String
    public var event: PosEvent
}

/// Where a record is in a partition's bytes, with its sale's hash and where it was read.
struct SpillEntry {
    var hash: UInt64
    var file: Int
    var line: Int
    var offset: Int

    static func readOrder(_ lhs: SpillEntry, _ rhs: SpillEntry) -> Bool {
        lhs.file != rhs.file ? lhs.file < rhs.file : lhs.line < rhs.line
    }
}

/// The entries of a partition chained by hash: `heads` has the first entry of each distinct hash (in the order
/// the hashes first occur), `next` links each entry to the next one with its hash (-1 ends a chain).
struct HashChains {
    private(set) var heads: [Int32] = []
    private(set) var next: [Int32]

    init(_ entries: [SpillEntry]) {
        next = Array(repeating: -1, count: entries.count)
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        // Per slot: the group (index into heads/tails) + 1, 0 when empty.
        var slots = [Int32](repeating: 0, count: capacity)
        var tails: [Int32] = []
        var hashes: [UInt64] = []
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: (entry.hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while true {
                let group = Int(slots[slot]) - 1
                if group < 0 {
                    slots[slot] = Int32(heads.count + 1)
                    heads.append(Int32(index))
                    tails.append(Int32(index))
                    hashes.append(entry.hash)
                    break
                }
                if hashes[group] == entry.hash {
                    next[Int(tails[group])] = Int32(index)
                    tails[group] = Int32(index)
                    break
                }
                slot = (slot + 1) & mask
            }
        }
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

    /// Spills a record decoded by the strict path; its client-window mark goes to `marks`.
    func append(_ record: PosRecord, file: Int, line: Int, marks: inout ClientMarks) throws {
        scratch.count = 0
        SpillEncoder.encode(record, file: file, line: line, into: &scratch)
        try place(marks: &marks)
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

/// A growable byte buffer in memory of its own, for encoding without the checks of an array. Its owner
/// deallocates it (copies share the memory).
struct SpillBuffer {
    private(set) var base: UnsafeMutableRawPointer
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    func deallocate() { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var grown = capacity * 2
        while count + extra > grown { grown *= 2 }
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
        moved.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func u32(_ value: UInt32) {
        reserve(4)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    @inline(__always)
    mutating func i64(_ value: Int64) {
        reserve(8)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: Int64.self)
        count += 8
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }
}

// MARK: - Encoding

/// Text the spill can write: a `String`, or bytes still in the line they were read from.
protocol SpillText {
    func withSpillBytes(_ body: (UnsafeRawBufferPointer) -> Void)
}

extension String: SpillText {
    func withSpillBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
        var text = self
        text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}

extension UnsafeBufferPointer: SpillText where Element == UInt8 {
    func withSpillBytes(_ body: (UnsafeRawBufferPointer) -> Void) { body(UnsafeRawBufferPointer(self)) }
}

extension SpillBuffer {
    /// A 32-bit length, then the text's UTF-8 bytes.
    mutating func text(_ text: some SpillText) {
        text.withSpillBytes { bytes in
            u32(UInt32(bytes.count))
            append(bytes)
        }
    }

    /// A byte (0 absent, 1 present), then the text.
    mutating func optionalText(_ text: (some SpillText)?) {
        if let text {
            byte(1)
            self.text(text)
        } else {
            byte(0)
        }
    }

    /// An enumeration's value as its position among the cases (a byte).
    mutating func caseIndex<Value: CaseIterable & Equatable>(_ value: Value) {
        let cases = Value.allCases
        byte(UInt8(cases.firstIndex(of: value).map { cases.distance(from: cases.startIndex, to: $0) } ?? 0))
    }
}

/// The spill format of one record: its length in bytes (32 bits), tag, file (32 bits), line, terminal, sale, then
/// the event's fields. Integers are little-endian and 64 bits unless said; strings are a 32-bit length and UTF-8
/// bytes; an optional string is a byte (0 absent, 1 present) before it; a VAT code is its index in
/// `VatCode.listed` and a payment method, attempt kind or failure reason its position among the cases (a byte
/// each). Only this process reads it back.
///
/// The layout is written in one place for both writers: `encode` (a decoded `PosRecord`) and the line scanner
/// (whose texts are still bytes of the line).
/// The first byte of a spilled record after its length: which event it holds.
enum SpillTag: UInt8 {
    case sale, paymentRequest, paymentResponse, receiptIssued, receiptFailed, posStarted
}

enum SpillEncoder {
    static func encode(_ record: PosRecord, file: Int, line: Int, into out: inout SpillBuffer) {
        let start: Int
        switch record.event {
        case .sale(let sale):
            start = begin(tag: .sale, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            self.sale(at: sale.at, pem: sale.pem, total: sale.total, payment: sale.payment, lines: sale.lines, &out)
        case .paymentRequest(let request):
            start = begin(
                tag: .paymentRequest, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            paymentRequest(
                at: request.at, posRefId: request.posRefId, kind: request.kind, amount: request.amount, &out)
        case .paymentResponse(let response):
            start = begin(
                tag: .paymentResponse, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            paymentResponse(
                at: response.at, posRefId: response.posRefId, success: response.success, amount: response.amount,
                userOverride: response.userOverride, hostResponseText: response.hostResponseText, &out)
        case .receiptIssued(let issued):
            start = begin(
                tag: .receiptIssued, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            receiptIssued(
                at: issued.at, pem: issued.pem, uuid: issued.receiptUuid, documentNumber: issued.documentNumber,
                total: issued.total, &out)
        case .receiptFailed(let failure):
            start = begin(
                tag: .receiptFailed, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            receiptFailed(at: failure.at, pem: failure.pem, reason: failure.reason, &out)
        case .posStarted(let at):
            start = begin(
                tag: .posStarted, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            out.i64(at.millis)
        }
        finish(start, &out)
    }

    /// Starts a record: room for its length, then the tag, file, line, terminal and sale. Returns where it starts.
    static func begin(
        tag: SpillTag, file: Int, line: Int, terminal: some SpillText, sale: (some SpillText)?,
        into out: inout SpillBuffer
    ) -> Int {
        let start = out.count
        out.u32(0)  // the record's length, set by `finish`
        out.byte(tag.rawValue)
        out.u32(UInt32(file))
        out.i64(Int64(line))
        out.text(terminal)
        out.optionalText(sale)
        return start
    }

    /// Ends the record that starts at `start`: writes its length.
    static func finish(_ start: Int, _ out: inout SpillBuffer) {
        out.base.storeBytes(of: UInt32(out.count - start).littleEndian, toByteOffset: start, as: UInt32.self)
    }

    static func sale(
        at: Instant, pem: some SpillText, total: Money, payment: PaymentMethod, lines: [VatAmount],
        _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(pem)
        out.i64(total.cents)
        out.caseIndex(payment)
        out.i64(Int64(lines.count))
        for line in lines {
            out.byte(UInt8(line.vat.listedIndex))
            out.i64(line.gross.cents)
        }
    }

    static func paymentRequest(
        at: Instant, posRefId: some SpillText, kind: AttemptKind, amount: Money, _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(posRefId)
        out.caseIndex(kind)
        out.i64(amount.cents)
    }

    static func paymentResponse(
        at: Instant, posRefId: some SpillText, success: Bool, amount: Money?, userOverride: Bool,
        hostResponseText: (some SpillText)?, _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(posRefId)
        out.byte(success ? 1 : 0)
        out.byte(amount == nil ? 0 : 1)
        out.i64(amount?.cents ?? 0)
        out.byte(userOverride ? 1 : 0)
        out.optionalText(hostResponseText)
    }

    static func receiptIssued(
        at: Instant, pem: some SpillText, uuid: some SpillText, documentNumber: some SpillText, total: Money,
        _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(pem)
        out.text(uuid)
        out.text(documentNumber)
        out.i64(total.cents)
    }

    static func receiptFailed(
        at: Instant, pem: some SpillText, reason: ReceiptFailureReason, _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(pem)
        out.caseIndex(reason)
    }
}

/// Reads back what `SpillEncoder` wrote: a record's header in place, then its event when asked.
public enum SpillDecoder {
    /// A record's fixed part: its length, tag, file and line and what it belongs to, read without decoding anything.
    struct Header {
        var length: Int
        var tag: UInt8
        var file: Int
        var line: Int
        /// Byte ranges of the terminal and the sale id (nil: the record has no sale).
        var terminal: Range<Int>
        var sale: Range<Int>?
        /// Where the event's fields start.
        var body: Int
    }

    static func header(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Header {
        let length = Int(u32(bytes, offset))
        let tag = bytes[offset + 4]
        let file = Int(u32(bytes, offset + 5))
        let line = Int(i64(bytes, offset + 9))
        var index = offset + 17
        let terminalCount = Int(u32(bytes, index))
        let terminal = index + 4..<index + 4 + terminalCount
        index = terminal.upperBound
        var sale: Range<Int>?
        if bytes[index] == 1 {
            let count = Int(u32(bytes, index + 1))
            sale = index + 5..<index + 5 + count
            index = index + 5 + count
        } else {
            index += 1
        }
        return Header(
            length: length, tag: tag, file: file, line: line, terminal: terminal, sale: sale,
            body: index)
    }

    /// FNV-1a of the terminal, a separator and the sale id: the key that gathers a sale's records.
    public static func keyHash(_ bytes: UnsafeRawBufferPointer, terminal: Range<Int>, sale: Range<Int>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in terminal { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3
        for index in sale { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
        return hash
    }

    /// Whether two records belong to the same sale: the same terminal and sale id, byte for byte.
    static func sameSale(_ bytes: UnsafeRawBufferPointer, _ left: Header, _ right: Header) -> Bool {
        guard let leftSale = left.sale, let rightSale = right.sale else { return left.sale == nil && right.sale == nil }
        return equal(bytes, left.terminal, right.terminal) && equal(bytes, leftSale, rightSale)
    }

    private static func equal(_ bytes: UnsafeRawBufferPointer, _ left: Range<Int>, _ right: Range<Int>) -> Bool {
        left.count == right.count
            && (left.isEmpty
                || memcmp(
                    bytes.baseAddress.unsafelyUnwrapped + left.lowerBound,
                    bytes.baseAddress.unsafelyUnwrapped + right.lowerBound, left.count) == 0)
    }

    /// The client-window mark of a record (a `receipt_issued` closes, an `unreachable` or `timeout` failure
    /// opens), read without decoding the rest.
    static func clientMark(_ bytes: UnsafeRawBufferPointer, _ header: Header) -> (
        pem: String, millis: Int64, opens: Bool
    )? {
        let tag = SpillTag(rawValue: header.tag)
        guard tag == .receiptIssued || tag == .receiptFailed else { return nil }
        var reader = Reader(bytes: bytes, index: header.body)
        let millis = reader.int()
        let pem = reader.string()
        guard tag == .receiptFailed else { return (pem, millis, false) }
        // The uuid and document number of an issued receipt are not needed; a failure's reason is.
        let reason = reader.caseValue(of: ReceiptFailureReason.self)
        return reason.opensClientWindow ? (pem, millis, true) : nil
    }

    /// The whole record.
    static func record(_ bytes: UnsafeRawBufferPointer, _ header: Header) -> SpilledRecord {
        SpilledRecord(
            record: PosRecord(
                terminal: string(bytes, header.terminal), sale: header.sale.map { string(bytes, $0) },
                event: event(bytes, header)),
            file: header.file, line: header.line)
    }

    /// The record's event.
    static func event(_ bytes: UnsafeRawBufferPointer, _ header: Header) -> PosEvent {
        var reader = Reader(bytes: bytes, index: header.body)
        let at = Instant(millis: reader.int())
        switch SpillTag(rawValue: header.tag) {
        case .sale:
            let pem = reader.string()
            let total = Money(cents: reader.int())
            let payment = reader.caseValue(of: PaymentMethod.self)
            let count = Int(reader.int())
            var lines: [VatAmount] = []
            lines.reserveCapacity(count)
            for _ in 0..<count {
                let vat = VatCode.listed[Int(reader.byte())]
                lines.append(VatAmount(vat: vat, gross: Money(cents: reader.int())))
            }
            return .sale(SaleEvent(at: at, pem: pem, total: total, payment: payment, lines: lines))
        case .paymentRequest:
            let ref = reader.string()
            let kind = reader.caseValue(of: AttemptKind.self)
            return .paymentRequest(
                PaymentRequestEvent(at: at, posRefId: ref, kind: kind, amount: Money(cents: reader.int())))
        case .paymentResponse:
            let ref = reader.string()
            let success = reader.byte() == 1
            let hasAmount = reader.byte() == 1
            let cents = reader.int()
            let userOverride = reader.byte() == 1
            return .paymentResponse(
                PaymentResponseEvent(
                    at: at, posRefId: ref, success: success, amount: hasAmount ? Money(cents: cents) : nil,
                    userOverride: userOverride, hostResponseText: reader.optionalString()))
        case .receiptIssued:
            let pem = reader.string()
            let uuid = reader.string()
            let number = reader.string()
            return .receiptIssued(
                ReceiptIssuedEvent(
                    at: at, pem: pem, receiptUuid: uuid, documentNumber: number, total: Money(cents: reader.int())))
        case .receiptFailed:
            let pem = reader.string()
            return .receiptFailed(
                ReceiptFailedEvent(at: at, pem: pem, reason: reader.caseValue(of: ReceiptFailureReason.self)))
        case .posStarted, nil:
            return .posStarted(at: at)
        }
    }

    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    @inline(__always)
    private static func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    private static func i64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int64 {
        Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }

    /// Reads an event's fields in order.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index: Int

        @inline(__always)
        mutating func byte() -> UInt8 {
            defer { index += 1 }
            return bytes[index]
        }

        @inline(__always)
        mutating func int() -> Int64 {
            defer { index += 8 }
            return SpillDecoder.i64(bytes, index)
        }

        mutating func string() -> String {
            let count = Int(SpillDecoder.u32(bytes, index))
            index += 4
            defer { index += count }
            return SpillDecoder.string(bytes, index..<index + count)
        }

        mutating func optionalString() -> String? {
            byte() == 1 ? string() : nil
        }

        /// What `SpillEncoder.caseIndex` wrote.
        mutating func caseValue<Value: CaseIterable>(of type: Value.Type) -> Value {
            let cases = Value.allCases
            return cases[cases.index(cases.startIndex, offsetBy: Int(byte()))]
        }
    }
}
