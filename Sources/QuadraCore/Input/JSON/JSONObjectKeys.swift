#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The keys of one object read so far, so that a repeated key is found without allocating: each key's offset and
/// length in the scanned bytes. The scanners take keys of printable ASCII without escapes only, so keys with equal
/// bytes are exactly the keys `JSONParser` finds equal. An object with more than `capacity` such keys is not
/// followed further: `insert` fails, and the scanner leaves the text to `JSONParser`, which decides every case.
struct JSONObjectKeys {
    /// The most keys one object may have on the fast path (an ordinary POS line has about 8, a receipt about 10).
    static let capacity = 16

    /// `offset << 32 | length` of each key so far (offsets and lengths fit: the scanners take texts under 2 GiB).
    private var keys:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var count = 0

    /// Records the key of `length` bytes at `base + offset`; false when the object already has that key, or already
    /// has `capacity` keys.
    @inline(__always)
    mutating func insert(_ base: UnsafePointer<UInt8>, _ offset: Int, _ length: Int) -> Bool {
        guard count < Self.capacity else { return false }
        let count = self.count
        let repeated = withUnsafeBytes(of: &keys) { raw -> Bool in
            for position in 0..<count {
                let packed = raw.load(fromByteOffset: position &* 8, as: UInt64.self)
                if Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) == length,
                    memcmp(base + Int(truncatingIfNeeded: packed >> 32), base + offset, length) == 0
                {
                    return true
                }
            }
            return false
        }
        if repeated { return false }
        withUnsafeMutableBytes(of: &keys) { raw in
            raw.storeBytes(
                of: UInt64(truncatingIfNeeded: offset) << 32 | UInt64(truncatingIfNeeded: length),
                toByteOffset: count &* 8, as: UInt64.self)
        }
        self.count = count + 1
        return true
    }
}
