import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A spilled record that conflicts with one read before it: where it is, why it is left out, and what it was.
public struct SpilledConflict {
    /// The index of its file in `SpilledSales.files`.
    public var file: Int
    public var location: SourceLocation
    public var message: String
    public var event: PosEvent
}
