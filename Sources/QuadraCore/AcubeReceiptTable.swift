/// One PEM's A-Cube receipts, stored by column so a night of millions of receipts stays small: a canonical uuid
/// is kept as 16 bytes, amounts and times as integers. Reads give back `AcubeReceipt` values.
public struct AcubeReceiptTable: Sendable {
    /// A canonical uuid (8-4-4-4-12 hexadecimal digits) as two 64-bit halves.
    struct Key: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// The columns, in one object: copying the table (out of a dictionary of PEMs, say) costs one retain.
    private final class Columns: @unchecked Sendable {
        /// Open addressing over `uuidKeys`: a slot holds a position + 1, 0 when empty. Uuids are random, so
        /// their low bits are a good hash; the table is kept at most half full.
        var slots: [Int32] = Array(repeating: 0, count: 16)
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

        init() {}

        /// The position of `key`, or nil.
        @inline(__always)
        func find(_ key: Key) -> Int? {
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: (key.low ^ key.high &* 0x9E37_79B9_7F4A_7C15) >> 7) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                let position = Int(entry) - 1
                if uuidKeys[position] == key { return position }
                slot = (slot + 1) & mask
            }
        }

        /// Records `key` at `position` (not already present).
        func place(_ key: Key, at position: Int) {
            if (uuidKeys.count + 1) * 2 > slots.count {
                var grown = Array(repeating: Int32(0), count: slots.count * 2)
                let mask = grown.count - 1
                for entry in slots where entry != 0 {
                    let other = uuidKeys[Int(entry) - 1]
                    var slot = Int(truncatingIfNeeded: (other.low ^ other.high &* 0x9E37_79B9_7F4A_7C15) >> 7) & mask
                    while grown[slot] != 0 { slot = (slot + 1) & mask }
                    grown[slot] = entry
                }
                slots = grown
            }
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: (key.low ^ key.high &* 0x9E37_79B9_7F4A_7C15) >> 7) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position + 1)
        }

        func copy() -> Columns {
            let copy = Columns()
            copy.slots = slots
            copy.byText = byText
            copy.uuidKeys = uuidKeys
            copy.texts = texts
            copy.kinds = kinds
            copy.totals = totals
            copy.times = times
            copy.numbers = numbers
            copy.parents = parents
            copy.lines = lines
            copy.fileIndexes = fileIndexes
            copy.files = files
            return copy
        }
    }

    private var columns = Columns()

    private static let noAmount = Int64.min
    private static let hasNumberFlag: UInt8 = 0x80

    public init() {}

    public var count: Int { columns.kinds.count }
    public var isEmpty: Bool { columns.kinds.isEmpty }

    /// The position of the receipt with this (lower-cased) uuid.
    public func index(of uuid: String) -> Int? {
        if let key = Self.key(uuid) { return columns.find(key) }
        return columns.byText[uuid].map(Int.init)
    }

    public subscript(uuid: String) -> AcubeReceipt? {
        index(of: uuid).map { receipt(at: $0) }
    }

    /// Adds `receipt` unless one with its uuid is already held (overlapping pages list it twice: the first wins).
    public mutating func insertIfAbsent(_ receipt: AcubeReceipt) {
        if !isKnownUniquelyReferenced(&columns) { columns = columns.copy() }
        let c = columns
        let position = Int32(c.kinds.count)
        if let key = Self.key(receipt.uuid) {
            guard c.find(key) == nil else { return }
            c.place(key, at: Int(position))
            c.uuidKeys.append(key)
        } else {
            guard c.byText[receipt.uuid] == nil else { return }
            c.byText[receipt.uuid] = position
            c.uuidKeys.append(Key(high: 0, low: 0))
            c.texts[position] = receipt.uuid
        }
        var kind: UInt8 =
            switch receipt.kind {
            case .sale: 0
            case .return: 1
            case .void: 2
            }
        if let number = receipt.documentNumber {
            kind |= Self.hasNumberFlag
            c.numbers.append(number)
        } else {
            c.numbers.append("")
        }
        c.kinds.append(kind)
        c.totals.append(receipt.totalAmount?.cents ?? Self.noAmount)
        c.times.append(receipt.documentAt.millis)
        if let parent = receipt.parentUuid { c.parents[position] = parent }
        c.lines.append(Int32(clamping: receipt.source.line ?? 0))
        if c.files.last != receipt.source.file {
            c.files.append(receipt.source.file)
        }
        c.fileIndexes.append(UInt16(clamping: c.files.count - 1))
    }

    /// The receipt at `index`.
    public func receipt(at index: Int) -> AcubeReceipt {
        let flags = columns.kinds[index]
        let kind: AcubeReceipt.Kind =
            switch flags & 0x7f {
            case 0: .sale
            case 1: .return
            default: .void
            }
        let line = Int(columns.lines[index])
        return AcubeReceipt(
            uuid: uuid(at: index), kind: kind,
            totalAmount: columns.totals[index] == Self.noAmount ? nil : Money(cents: columns.totals[index]),
            documentNumber: flags & Self.hasNumberFlag != 0 ? columns.numbers[index] : nil,
            documentAt: Instant(millis: columns.times[index]), parentUuid: columns.parents[Int32(index)],
            source: SourceLocation(file: columns.files[Int(columns.fileIndexes[index])], line: line == 0 ? nil : line))
    }

    /// The uuid of the receipt at `index`, lower-cased.
    public func uuid(at index: Int) -> String {
        if let text = columns.texts[Int32(index)] { return text }
        return Self.text(of: columns.uuidKeys[index])
    }

    /// Whether the receipt at `index` is a sale receipt.
    public func isSale(at index: Int) -> Bool { columns.kinds[index] & 0x7f == 0 }

    /// The total of the receipt at `index` (nil on void and return receipts).
    public func totalAmount(at index: Int) -> Money? {
        columns.totals[index] == Self.noAmount ? nil : Money(cents: columns.totals[index])
    }

    /// The document time of the receipt at `index`.
    public func documentAt(_ index: Int) -> Instant { Instant(millis: columns.times[index]) }

    /// Every receipt, in the order they were added.
    public var values: LazyMapSequence<Range<Int>, AcubeReceipt> { (0..<count).lazy.map { receipt(at: $0) } }

    /// Every uuid, in the order they were added.
    public var keys: [String] { (0..<count).map { uuid(at: $0) } }

    /// The parents of void receipts: what they cancel.
    public var voidedParents: [String] {
        columns.parents.compactMap { position, parent in columns.kinds[Int(position)] & 0x7f == 2 ? parent : nil }
    }

    // MARK: - uuid ↔ 16 bytes

    /// The key of a canonical lower-case uuid; nil for any other text.
    static func key(_ uuid: String) -> Key? {
        guard uuid.utf8.count == 36 else { return nil }
        return uuid.utf8.withContiguousStorageIfAvailable { bytes -> Key? in
            guard bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D else { return nil }
            var high: UInt64 = 0
            var low: UInt64 = 0
            var bad: UInt8 = 0
            var digits = 0
            // 32 hexadecimal digits around the dashes; `bad` collects any byte that is not 0-9 or a-f.
            for position in 0..<36 where position != 8 && position != 13 && position != 18 && position != 23 {
                let (value, invalid) = nibble(bytes[position])
                if digits < 16 { high = high << 4 | value } else { low = low << 4 | value }
                bad |= invalid
                digits += 1
            }
            return bad == 0 ? Key(high: high, low: low) : nil
        } ?? nil
    }

    @inline(__always)
    private static func nibble(_ byte: UInt8) -> (UInt64, UInt8) {
        let digit = byte &- 0x30
        if digit < 10 { return (UInt64(digit), 0) }
        let letter = byte &- 0x61
        if letter < 6 { return (UInt64(letter + 10), 0) }
        return (0, 1)
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
