import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A POS record as it was read: the record, the index of its file in the night's sorted list of POS logs, and
/// its line. Sorting by (file, line) gives back the order a sequential read would have seen.
public struct SpilledRecord: Sendable {
    public var record: PosRecord
    public var file: Int
    public var line: Int
}
