import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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

extension SpillBuffer {
    /// A 32-bit length, then the text's UTF-8 bytes.
    @inline(__always)
    mutating func text(_ text: some FieldText) {
        text.withUTF8Bytes { bytes in
            u32(UInt32(bytes.count))
            append(UnsafeRawBufferPointer(bytes))
        }
    }

    /// A byte (0 absent, 1 present), then the text.
    @inline(__always)
    mutating func optionalText(_ text: (some FieldText)?) {
        if let text {
            byte(1)
            self.text(text)
        } else {
            byte(0)
        }
    }

    /// An enumeration's value as its position among the cases (a byte).
    @inline(__always)
    mutating func caseIndex(_ value: some ByteSpelled) { byte(UInt8(value.position)) }
}
