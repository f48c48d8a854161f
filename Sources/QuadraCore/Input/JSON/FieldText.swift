/// A string's (or a number's) text as a field source gives it: a `String` (the tree) or a `ScannedText`, its bytes
/// where the fast scanner found them. The rules read its UTF-8 bytes; messages and the values kept take it as a
/// `String`; the spill writes its bytes.
protocol FieldText {
    /// The text with its letters lowered, as uuids are kept.
    associatedtype Lowercased: FieldText

    /// Calls `body` with the text's UTF-8 bytes.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result
    var isEmpty: Bool { get }
    /// The text as a `String`.
    var string: String { get }
    func lowercased() -> Lowercased
}

extension String: FieldText {
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = self
        return text.withUTF8(body)
    }

    var string: String { self }
}

/// A text of the scanned bytes: printable ASCII without escapes (the scan let nothing else through), so its bytes
/// are its UTF-8 and lowering it is lowering A to Z.
struct ScannedText: FieldText {
    let bytes: UnsafeBufferPointer<UInt8>

    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result { body(bytes) }

    var isEmpty: Bool {
        @inline(__always) get { bytes.isEmpty }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    func lowercased() -> Lowercased { Lowercased(bytes: bytes) }

    /// The text lowered without making a `String`: the spill writes it through a buffer on the stack, only when it
    /// holds a capital letter.
    struct Lowercased: FieldText {
        let bytes: UnsafeBufferPointer<UInt8>

        @inline(__always)
        func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            guard bytes.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else { return body(bytes) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
                for (index, byte) in bytes.enumerated() {
                    lowered[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                }
                return body(UnsafeBufferPointer(lowered))
            }
        }

        var isEmpty: Bool { bytes.isEmpty }
        var string: String { withUTF8Bytes { String(decoding: $0, as: UTF8.self) } }
        func lowercased() -> Lowercased { self }
    }
}
