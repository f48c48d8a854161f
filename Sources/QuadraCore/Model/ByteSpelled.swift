/// An enum spelled in the inputs by its raw values: event names, payment methods, the keys of a record. Every
/// reader matches it on the bytes with `spelled(_:)` (a tree's strings through their UTF-8), so the spellings are
/// written once, in the enum.
public protocol ByteSpelled: CaseIterable, RawRepresentable, Sendable where RawValue == String {
    /// The cases with their spellings' bytes (`ByteSpellings()`), kept in a static so they are made once.
    static var spellings: ByteSpellings<Self> { get }
}

extension ByteSpelled {
    /// The case spelled by `bytes` exactly, or nil.
    @_transparent
    static func spelled(_ bytes: UnsafeBufferPointer<UInt8>) -> Self? { spellings.match(bytes, ignoringCase: false) }

    /// The case spelled by `bytes` with A to Z lowered (the spellings are lower-case), or nil: what
    /// `init(rawValue: text.lowercased())` gives, as no other character lowers to a letter of a spelling.
    @_transparent
    static func spelled(ignoringCase bytes: UnsafeBufferPointer<UInt8>) -> Self? {
        spellings.match(bytes, ignoringCase: true)
    }

    /// Every spelling, for messages: `cash, electronic, ticket`.
    public static var spellingList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// This case's position among `allCases`, in constant time. An enum without payloads keeps its cases'
    /// declaration order (which is `allCases`' order) as its tag; `ByteSpellings` checks that once per enum.
    @inline(__always)
    var position: Int { Int(unsafeBitCast(self, to: UInt8.self)) }
}

/// The spellings of a `ByteSpelled` enum's cases, as bytes, for matching without making a String. Kept in memory
/// allocated once per enum for the process's life (a static), so a match touches no reference count: the scanners
/// call it for every key and enumerated value of a line. A text of up to 23 bytes is read as three words, with its
/// length in the last byte; a perfect hash of them picks the one case it may spell, whose words are then compared.
/// (An enum with a longer spelling compares a text byte by byte with every case.)
public struct ByteSpellings<Value: ByteSpelled>: @unchecked Sendable {
    /// How many cases there are.
    let count: Int
    private let lengths: UnsafeMutablePointer<Int>
    private let offsets: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>
    private let values: UnsafeMutablePointer<Value>
    /// Each case's spelling as `words(_:_:)` reads it.
    private let packed: UnsafeMutablePointer<Words>
    /// The hash: `(hashKey(words) &* multiplier) >> shift` is a slot, which holds its case's index + 1 (0: none).
    /// A multiplier of 0 says that there is none (a spelling longer than `packedLength`, or two with one key): every
    /// case is then compared.
    private let multiplier: UInt64
    private let shift: UInt64
    private let slots: UnsafeMutablePointer<UInt8>

    private typealias Words = (UInt64, UInt64, UInt64)
    private static var packedLength: Int { 23 }

    public init() {
        let cases = Array(Value.allCases)
        precondition(cases.count < 255 && (cases.count < 2 || MemoryLayout<Value>.size == 1))
        for (index, value) in cases.enumerated() where cases.count > 1 {
            precondition(value.position == index, "\(Value.self): a case's tag is not its position")
        }
        let spellings = cases.map { Array($0.rawValue.utf8) }
        precondition(spellings.allSatisfy { !$0.isEmpty }, "\(Value.self): an empty spelling")
        let spellingWords = spellings.map { spelling in
            spelling.count > Self.packedLength
                ? (0, 0, 0)
                : spelling.withUnsafeBufferPointer { Self.words($0.baseAddress.unsafelyUnwrapped, $0.count) }
        }
        count = cases.count
        lengths = .allocate(capacity: max(1, count))
        offsets = .allocate(capacity: max(1, count))
        values = .allocate(capacity: max(1, count))
        packed = .allocate(capacity: max(1, count))
        bytes = .allocate(capacity: max(1, spellings.reduce(0) { $0 + $1.count }))
        var offset = 0
        for (index, spelling) in spellings.enumerated() {
            lengths[index] = spelling.count
            offsets[index] = offset
            (values + index).initialize(to: cases[index])
            (packed + index).initialize(to: spellingWords[index])
            for byte in spelling {
                bytes[offset] = byte
                offset += 1
            }
        }
        // The first multiplier (of a fixed sequence) that puts every case in a slot of its own.
        let keys = spellingWords.map(Self.hashKey)
        var slotCount = 16
        while slotCount < 4 * count { slotCount *= 2 }
        var found: (multiplier: UInt64, shift: UInt64)?
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        while found == nil, spellings.allSatisfy({ $0.count <= Self.packedLength }), Set(keys).count == keys.count {
            for _ in 0..<1000 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let multiplier = seed | 1
                let shift = UInt64(64 - slotCount.trailingZeroBitCount)
                if Set(keys.map { ($0 &* multiplier) >> shift }).count == keys.count {
                    found = (multiplier, shift)
                    break
                }
            }
            if found == nil { slotCount *= 2 }
        }
        multiplier = found?.multiplier ?? 0
        shift = found?.shift ?? 63
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        if let found {
            for (index, key) in keys.enumerated() {
                slots[Int((key &* found.multiplier) >> found.shift)] = UInt8(index + 1)
            }
        }
    }

    /// The case spelled by `input` (with A to Z lowered, `ignoringCase`: the spellings are then lower-case), or nil.
    @_transparent
    func match(_ input: UnsafeBufferPointer<UInt8>, ignoringCase: Bool) -> Value? {
        guard let pointer = input.baseAddress, input.count > 0 else { return nil }
        let length = input.count
        guard multiplier != 0 else { return compareAll(pointer, length, ignoringCase: ignoringCase) }
        guard length <= Self.packedLength else { return nil }
        var words = Self.words(pointer, length)
        if ignoringCase { words = (Self.lowered(words.0), Self.lowered(words.1), Self.lowered(words.2)) }
        let slot = slots[Int((Self.hashKey(words) &* multiplier) >> shift)]
        guard slot != 0 else { return nil }
        let index = Int(slot) - 1
        guard packed[index] == words else { return nil }
        return values[index]
    }

    /// `match` by comparing every case byte by byte (an enum with a spelling longer than `packedLength`).
    private func compareAll(_ pointer: UnsafePointer<UInt8>, _ length: Int, ignoringCase: Bool) -> Value? {
        for index in 0..<count where lengths[index] == length {
            let spelling = bytes + offsets[index]
            var position = 0
            while position < length {
                var byte = pointer[position]
                if ignoringCase, byte &- UInt8(ascii: "A") < 26 { byte |= 0x20 }
                guard byte == spelling[position] else { break }
                position += 1
            }
            if position == length { return values[index] }
        }
        return nil
    }

    @inline(__always)
    private static func hashKey(_ words: Words) -> UInt64 { words.0 ^ (words.1 &<< 1) ^ (words.2 &<< 2) }

    /// The `length` bytes at `pointer` (1 to `packedLength`), little-end first, zero past them, then `length` in the
    /// last byte: read with loads that stay within them and may overlap (the bytes they share are the same).
    @inline(__always)
    private static func words(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> Words {
        let raw = UnsafeRawPointer(pointer)
        @inline(__always)
        func load32(_ offset: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
        @inline(__always)
        func load64(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        let counted = UInt64(truncatingIfNeeded: length) << 56
        switch length {
        case ..<4:
            let middle = length >> 1
            return (
                UInt64(pointer[0]) | UInt64(pointer[middle]) << UInt64(middle << 3)
                    | UInt64(pointer[length - 1]) << UInt64((length - 1) << 3), 0, counted
            )
        case ..<9:
            return (load32(0) | load32(length - 4) << UInt64((length - 4) << 3), 0, counted)
        case ..<17:
            return (load64(0), load64(length - 8) >> UInt64((16 - length) << 3), counted)
        default:
            return (load64(0), load64(8), load64(length - 8) >> UInt64((24 - length) << 3) | counted)
        }
    }

    /// `word` with each byte from A to Z lowered.
    @inline(__always)
    private static func lowered(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        // For a byte below 0x80, the high bit of `atLeastA` says it is at least "A", of `aboveZ` above "Z".
        let seven = word & ~high
        let atLeastA = seven &+ ones &* (0x80 - 0x41)
        let aboveZ = seven &+ ones &* (0x80 - 0x5B)
        let upper = atLeastA & ~aboveZ & ~word & high
        return word | (upper >> 2)
    }
}
