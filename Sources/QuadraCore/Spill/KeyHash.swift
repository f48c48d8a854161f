import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hash that gathers a sale's records: of a record's bytes, its terminal's and its sale id's ranges.
public typealias KeyHash = (UnsafeRawBufferPointer, Range<Int>, Range<Int>) -> UInt64

func errnoText() -> String {
    guard let text = strerror(errno) else { return "error \(errno)" }
    return String(cString: text)
}
