import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
