import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The spill format of one record: its length in bytes (32 bits), tag, file (32 bits), line, terminal, sale, then
/// the event's fields. Integers are little-endian and 64 bits unless said; strings are a 32-bit length and UTF-8
/// bytes; an optional string is a byte (0 absent, 1 present) before it; a VAT code is its index in
/// `VatCode.listed` and a payment method, attempt kind or failure reason its position among the cases (a byte
/// each). Only this process reads it back.
///
/// The layout is written in one place, `SpillEncoder` (`PosEventDecoder`'s sink), for both paths: the fast scanner's
/// records (their texts still bytes of the line) and the strict path's (strings).
/// The first byte of a spilled record after its length: which event it holds.
enum SpillTag: UInt8 {
    case sale, paymentRequest, paymentResponse, receiptIssued, receiptFailed, posStarted
}
