/// One PEM's A-Cube receipts, stored by column so a night of millions of receipts stays small: a canonical uuid
/// is kept as 16 bytes, amounts and times as integers. Reads give back `AcubeReceipt` values.
public struct AcubeReceiptTable: Sendable {
    /// A canonical uuid (8-4-4-4-12 hexadecimal digits) as two 64-bit halves.
    struct Key: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// A receipt's uuid as the table keeps it.
    enum Identity {
        /// A canonical uuid, as 16 bytes.
        case canonical(Key)
        /// Any other uuid, by its (lower-cased) text.
        case text(String)
    }

    /// The columns, as one value: a change goes through one access to the box that holds them, not one per column.
    struct Storage {
        /// Open addressing (linear probing) over `uuidKeys`: a slot holds a position + 1, 0 when empty; the table is
        /// kept at most half full. A key's first slot comes from `hash(_:seed:)` of all its 128 bits: uuids are not
        /// random when a generator, or an adversary, makes them, and a hash that drops some bits lets every uuid
        /// that differs only there pile into one run of slots (100,000 such receipts took 9 s to read).
        var slots: [Int32] = Array(repeating: 0, count: 16)
        /// This process's hash seed, copied here so that probing reads no global.
        let seed = AcubeReceiptTable.seed
        /// Receipts whose uuid is not a canonical uuid, by their (lower-cased) text.
        var byText: [String: Int32] = [:]
        var uuidKeys: [Key] = []
        var texts: [Int32: String] = [:]
        var kinds: [UInt8] = []
        var totals: [Int64] = []
        var times: [Int64] = []
        var numbers: [String] = []
        var parents: [Int32: String] = [:]
        var lines: [Int32] = []
        var fileIndexes: [UInt16] = []
        var files: [String] = []

        /// The position of `key`, or nil.
        @inline(__always)
        func find(_ key: Key) -> Int? {
            let mask = slots.count - 1
            var slot = home(key, mask)
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                let position = Int(entry) - 1
                if uuidKeys[position] == key { return position }
                slot = (slot + 1) & mask
            }
        }

        /// Records `key` at `position` (not already present).
        mutating func place(_ key: Key, at position: Int) {
            if (uuidKeys.count + 1) * 2 > slots.count {
                var grown = Array(repeating: Int32(0), count: slots.count * 2)
                let mask = grown.count - 1
                for entry in slots where entry != 0 {
                    var slot = home(uuidKeys[Int(entry) - 1], mask)
                    while grown[slot] != 0 { slot = (slot + 1) & mask }
                    grown[slot] = entry
                }
                slots = grown
            }
            let mask = slots.count - 1
            var slot = home(key, mask)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position + 1)
        }

        /// The first slot probed for `key` in a table of `mask + 1` slots.
        @inline(__always)
        func home(_ key: Key, _ mask: Int) -> Int {
            Int(truncatingIfNeeded: AcubeReceiptTable.hash(key, seed: seed)) & mask
        }

        /// How many slots a lookup of each canonical uuid reads (1: its first slot): the longest and the total.
        var probeLengths: (longest: Int, total: Int) {
            let mask = slots.count - 1
            var longest = 0
            var total = 0
            for (slot, entry) in slots.enumerated() where entry != 0 {
                let length = (slot - home(uuidKeys[Int(entry) - 1], mask)) & mask + 1
                longest = max(longest, length)
                total += length
            }
            return (longest, total)
        }

        /// Adds a receipt by its parts unless its uuid is already held.
        mutating func insertIfAbsent(
            _ identity: Identity, kind receiptKind: AcubeReceipt.Kind, totalAmount: Money?, documentNumber: String?,
            documentAt: Instant, parentUuid: String?, source: SourceLocation
        ) {
            let position = Int32(kinds.count)
            switch identity {
            case .canonical(let key):
                guard find(key) == nil else { return }
                place(key, at: Int(position))
                uuidKeys.append(key)
            case .text(let uuid):
                guard byText[uuid] == nil else { return }
                byText[uuid] = position
                uuidKeys.append(Key(high: 0, low: 0))
                texts[position] = uuid
            }
            var kind: UInt8 =
                switch receiptKind {
                case .sale: 0
                case .return: 1
                case .void: 2
                }
            if let number = documentNumber {
                kind |= AcubeReceiptTable.hasNumberFlag
                numbers.append(number)
            } else {
                numbers.append("")
            }
            kinds.append(kind)
            totals.append(totalAmount?.cents ?? AcubeReceiptTable.noAmount)
            times.append(documentAt.millis)
            if let parent = parentUuid { parents[position] = parent }
            lines.append(Int32(clamping: source.line ?? 0))
            if files.last != source.file {
                files.append(source.file)
            }
            fileIndexes.append(UInt16(clamping: files.count - 1))
        }
    }

    /// The columns, in one object: copying the table (out of a dictionary of PEMs, say) costs one retain.
    private final class Box: @unchecked Sendable {
        var storage: Storage

        init(_ storage: Storage = Storage()) { self.storage = storage }
    }

    private var box = Box()

    private static let noAmount = Int64.min
    private static let hasNumberFlag: UInt8 = 0x80

    public init() {}

    public var count: Int { box.storage.kinds.count }
    public var isEmpty: Bool { box.storage.kinds.isEmpty }

    /// The position of the receipt with this (lower-cased) uuid.
    public func index(of uuid: String) -> Int? {
        if let key = Self.key(uuid) { return box.storage.find(key) }
        return box.storage.byText[uuid].map(Int.init)
    }

    /// The positions of many uuids, each in its own table (nil: no table, or not held there), with whether each
    /// receipt found is a sale receipt and its total. Every key is read first, then the tables are probed in one
    /// tight loop: the probes' memory reads overlap, where lookups spread through other work each wait for theirs.
    static func positions(of uuids: [String], in tables: [AcubeReceiptTable?]) -> [(
        position: Int?, isSale: Bool, total: Money?
    )] {
        let keys = uuids.map { key($0) }
        var found = [(position: Int?, isSale: Bool, total: Money?)](
            repeating: (nil, false, nil), count: uuids.count)
        for index in uuids.indices {
            guard let table = tables[index] else { continue }
            let position =
                if let key = keys[index] {
                    table.box.storage.find(key)
                } else {
                    table.box.storage.byText[uuids[index]].map(Int.init)
                }
            guard let position else { continue }
            found[index] = (position, table.isSale(at: position), table.totalAmount(at: position))
        }
        return found
    }

    public subscript(uuid: String) -> AcubeReceipt? {
        index(of: uuid).map { receipt(at: $0) }
    }

    /// Adds `receipt` unless one with its uuid is already held (overlapping pages list it twice: the first wins).
    public mutating func insertIfAbsent(_ receipt: AcubeReceipt) {
        insertIfAbsent(
            Self.key(receipt.uuid).map(Identity.canonical) ?? .text(receipt.uuid), kind: receipt.kind,
            totalAmount: receipt.totalAmount, documentNumber: receipt.documentNumber, documentAt: receipt.documentAt,
            parentUuid: receipt.parentUuid, source: receipt.source)
    }

    /// `insertIfAbsent(_:)` by a receipt's parts, its uuid already keyed: `identity` is `.canonical(key(uuid))`
    /// when that key exists, else `.text(uuid)`, the uuid lower-cased.
    mutating func insertIfAbsent(
        _ identity: Identity, kind: AcubeReceipt.Kind, totalAmount: Money?, documentNumber: String?,
        documentAt: Instant, parentUuid: String?, source: SourceLocation
    ) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.storage) }
        box.storage.insertIfAbsent(
            identity, kind: kind, totalAmount: totalAmount, documentNumber: documentNumber, documentAt: documentAt,
            parentUuid: parentUuid, source: source)
    }

    /// The receipt at `index`.
    public func receipt(at index: Int) -> AcubeReceipt {
        let flags = box.storage.kinds[index]
        let kind: AcubeReceipt.Kind =
            switch flags & 0x7f {
            case 0: .sale
            case 1: .return
            default: .void
            }
        let line = Int(box.storage.lines[index])
        return AcubeReceipt(
            uuid: uuid(at: index), kind: kind,
            totalAmount: box.storage.totals[index] == Self.noAmount ? nil : Money(cents: box.storage.totals[index]),
            documentNumber: flags & Self.hasNumberFlag != 0 ? box.storage.numbers[index] : nil,
            documentAt: Instant(millis: box.storage.times[index]), parentUuid: box.storage.parents[Int32(index)],
            source: SourceLocation(
                file: box.storage.files[Int(box.storage.fileIndexes[index])], line: line == 0 ? nil : line))
    }

    /// The uuid of the receipt at `index`, lower-cased.
    public func uuid(at index: Int) -> String {
        if let text = box.storage.texts[Int32(index)] { return text }
        return Self.text(of: box.storage.uuidKeys[index])
    }

    /// Whether the receipt at `index` is a sale receipt.
    public func isSale(at index: Int) -> Bool { box.storage.kinds[index] & 0x7f == 0 }

    /// The total of the receipt at `index` (nil on void and return receipts).
    public func totalAmount(at index: Int) -> Money? {
        box.storage.totals[index] == Self.noAmount ? nil : Money(cents: box.storage.totals[index])
    }

    /// The document time of the receipt at `index`.
    public func documentAt(_ index: Int) -> Instant { Instant(millis: box.storage.times[index]) }

    /// Every receipt, in the order they were added.
    public var values: LazyMapSequence<Range<Int>, AcubeReceipt> { (0..<count).lazy.map { receipt(at: $0) } }

    /// Every uuid, in the order they were added.
    public var keys: [String] { (0..<count).map { uuid(at: $0) } }

    /// The parents of void receipts: what they cancel.
    public var voidedParents: [String] {
        box.storage.parents.compactMap { position, parent in
            box.storage.kinds[Int(position)] & 0x7f == 2 ? parent : nil
        }
    }

    // MARK: - Hashing

    /// A seed drawn once per process: which uuids share a slot cannot be known in advance, so no list of uuids is slow
    /// to read on every machine. (Where a uuid lands never shows: positions are the order receipts were added.)
    static let seed = UInt64.random(in: .min ... .max)

    /// A 64-bit hash of all 128 bits of `key`: each half goes through murmur3's finalizer (every input bit flips
    /// about half the output bits), the second keyed by the first, so uuids that differ in any bytes (only the last,
    /// only the first, only the middle ones) spread over every slot. Not a cryptographic hash: the seed keeps
    /// collisions from being planned offline.
    @inline(__always)
    static func hash(_ key: Key, seed: UInt64) -> UInt64 {
        fmix64(fmix64(key.low ^ seed) ^ key.high)
    }

    /// MurmurHash3's 64-bit finalizer.
    @inline(__always)
    static func fmix64(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed ^= mixed >> 33
        mixed &*= 0xFF51_AFD7_ED55_8CCD
        mixed ^= mixed >> 33
        mixed &*= 0xC4CE_B9FE_1A85_EC53
        mixed ^= mixed >> 33
        return mixed
    }

    /// How many slots a lookup reads, the longest and on average, over the canonical uuids held (tests).
    var probeStatistics: (longest: Int, mean: Double) {
        let (longest, total) = box.storage.probeLengths
        let keyed = box.storage.slots.lazy.filter { $0 != 0 }.count
        return (longest, keyed == 0 ? 0 : Double(total) / Double(keyed))
    }

    // MARK: - uuid ↔ 16 bytes

    /// The key of a canonical lower-case uuid; nil for any other text.
    static func key(_ uuid: String) -> Key? {
        guard uuid.utf8.count == 36 else { return nil }
        return uuid.utf8.withContiguousStorageIfAvailable { key(utf8: $0) } ?? nil
    }

    /// The key of the uuid spelt by `bytes`, lower-case (or, `ignoringCase`, lowered first); nil for any other text.
    @inline(__always)
    static func key(utf8 bytes: UnsafeBufferPointer<UInt8>, ignoringCase: Bool = false) -> Key? {
        guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D else {
            return nil
        }
        return hexDigits.withUnsafeBufferPointer { digits -> Key? in
            // 32 hexadecimal digits around the dashes; `bad` collects the flags of any byte that is not one.
            let rejected: UInt8 = ignoringCase ? 0x80 : 0xC0
            var bad: UInt8 = 0
            @inline(__always)
            func group(_ start: Int, _ count: Int, _ value: inout UInt64) {
                for position in start..<(start + count) {
                    let digit = digits[Int(bytes[position])]
                    value = value << 4 | UInt64(digit & 0x0F)
                    bad |= digit & rejected
                }
            }
            var high: UInt64 = 0
            var low: UInt64 = 0
            group(0, 8, &high)
            group(9, 4, &high)
            group(14, 4, &high)
            group(19, 4, &low)
            group(24, 12, &low)
            return bad == 0 ? Key(high: high, low: low) : nil
        }
    }

    /// Each byte's value as a hexadecimal digit: 0-9 and a-f as themselves, A-F as 0x40 + their value, any other
    /// byte 0x80.
    private static let hexDigits: [UInt8] = (0...255).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): 0x40 | (UInt8(byte) - UInt8(ascii: "A") + 10)
        default: 0x80
        }
    }

    static func text(of key: Key) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for digit in 0..<32 {
            if digit == 8 || digit == 12 || digit == 16 || digit == 20 { bytes.append(UInt8(ascii: "-")) }
            let word = digit < 16 ? key.high : key.low
            let shift = UInt64(60 - (digit % 16) * 4)
            bytes.append(hex[Int((word >> shift) & 0xf)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
