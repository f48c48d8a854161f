import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
