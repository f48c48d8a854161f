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

/// The spellings of a `ByteSpelled` enum's cases, as bytes, for matching without making a String.
public struct ByteSpellings<Value: ByteSpelled>: Sendable {
    private let entries: [(bytes: [UInt8], value: Value)]

    public init() { entries = Value.allCases.map { (Array($0.rawValue.utf8), $0) } }

    @inline(__always)
    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let pointer = bytes.baseAddress else { return nil }
        for entry in entries where entry.bytes.count == bytes.count {
            let equal = entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, pointer, bytes.count) == 0 }
            if equal { return entry.value }
        }
        return nil
    }
}
