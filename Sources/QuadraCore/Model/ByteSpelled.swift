import Foundation

/// An enum spelled in the inputs by its raw values. The strict decoder reads it with `init(rawValue:)` and the
/// byte scanner with `spelled(_:)`: both take the spellings from the enum, so they are written once.
public protocol ByteSpelled: CaseIterable, RawRepresentable, Sendable where RawValue == String {
    /// The cases with their spellings' bytes (`ByteSpellings()`), kept in a static so they are made once.
    static var spellings: ByteSpellings<Self> { get }
}

extension ByteSpelled {
    /// The case spelled by `bytes` exactly, or nil.
    @inline(__always)
    static func spelled(_ bytes: UnsafeBufferPointer<UInt8>) -> Self? { spellings.match(bytes) }

    /// Every spelling, for messages: `cash, electronic, ticket`.
    public static var spellingList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The spellings of a `ByteSpelled` enum's cases, as bytes, for matching without making a String. Kept in memory
/// allocated once per enum for the process's life (a static), so a match touches no reference count: the scanner
/// calls it several times per line.
public struct ByteSpellings<Value: ByteSpelled>: @unchecked Sendable {
    private let count: Int
    private let lengths: UnsafeMutablePointer<Int>
    private let offsets: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>
    private let values: UnsafeMutablePointer<Value>

    public init() {
        let cases = Array(Value.allCases)
        let spellings = cases.map { Array($0.rawValue.utf8) }
        count = cases.count
        lengths = .allocate(capacity: max(1, count))
        offsets = .allocate(capacity: max(1, count))
        values = .allocate(capacity: max(1, count))
        bytes = .allocate(capacity: max(1, spellings.reduce(0) { $0 + $1.count }))
        var offset = 0
        for (index, spelling) in spellings.enumerated() {
            lengths[index] = spelling.count
            offsets[index] = offset
            (values + index).initialize(to: cases[index])
            for byte in spelling {
                bytes[offset] = byte
                offset += 1
            }
        }
    }

    @inline(__always)
    func match(_ input: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let pointer = input.baseAddress else { return nil }
        let length = input.count
        for index in 0..<count where lengths[index] == length {
            if memcmp(bytes + offsets[index], pointer, length) == 0 { return values[index] }
        }
        return nil
    }
}
