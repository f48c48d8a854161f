import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a record is in a partition's bytes, with its sale's hash and where it was read.
struct SpillEntry {
    var hash: UInt64
    var file: Int
    var line: Int
    var offset: Int

    static func readOrder(_ lhs: SpillEntry, _ rhs: SpillEntry) -> Bool {
        lhs.file != rhs.file ? lhs.file < rhs.file : lhs.line < rhs.line
    }
}
