import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads back what `SpillEncoder` wrote: a record's header in place, then its event when asked.
public enum SpillDecoder {
    /// A record's fixed part: its length, tag, file and line and what it belongs to, read without decoding anything.
    struct Header {
        var length: Int
        var tag: UInt8
        var file: Int
        var line: Int
        /// Byte ranges of the terminal and the sale id (nil: the record has no sale).
        var terminal: Range<Int>
        var sale: Range<Int>?
        /// Where the event's fields start.
        var body: Int
    }

    static func header(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Header {
        let length = Int(u32(bytes, offset))
        let tag = bytes[offset + 4]
        let file = Int(u32(bytes, offset + 5))
        let line = Int(i64(bytes, offset + 9))
        var index = offset + 17
        let terminalCount = Int(u32(bytes, index))
        let terminal = index + 4..<index + 4 + terminalCount
        index = terminal.upperBound
        var sale: Range<Int>?
        if bytes[index] == 1 {
            let count = Int(u32(bytes, index + 1))
            sale = index + 5..<index + 5 + count
            index = index + 5 + count
        } else {
            index += 1
        }
        return Header(
            length: length, tag: tag, file: file, line: line, terminal: terminal, sale: sale,
            body: index)
    }

    /// FNV-1a of the terminal, a separator and the sale id: the key that gathers a sale's records.
    public static func keyHash(_ bytes: UnsafeRawBufferPointer, terminal: Range<Int>, sale: Range<Int>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in terminal { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3
        for index in sale { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
        return hash
    }

    /// Whether two records belong to the same sale: the same terminal and sale id, byte for byte.
    static func sameSale(_ bytes: UnsafeRawBufferPointer, _ left: Header, _ right: Header) -> Bool {
        guard let leftSale = left.sale, let rightSale = right.sale else { return left.sale == nil && right.sale == nil }
        return equal(bytes, left.terminal, right.terminal) && equal(bytes, leftSale, rightSale)
    }

    private static func equal(_ bytes: UnsafeRawBufferPointer, _ left: Range<Int>, _ right: Range<Int>) -> Bool {
        left.count == right.count
            && (left.isEmpty
                || memcmp(
                    bytes.baseAddress.unsafelyUnwrapped + left.lowerBound,
                    bytes.baseAddress.unsafelyUnwrapped + right.lowerBound, left.count) == 0)
    }

    /// The client-window mark of a record (a `receipt_issued` closes, an `unreachable` or `timeout` failure
    /// opens), read without decoding the rest.
    static func clientMark(_ bytes: UnsafeRawBufferPointer, _ header: Header) -> (
        pem: String, millis: Int64, opens: Bool
    )? {
        let tag = SpillTag(rawValue: header.tag)
        guard tag == .receiptIssued || tag == .receiptFailed else { return nil }
        var reader = Reader(bytes: bytes, index: header.body)
        let millis = reader.int()
        let pem = reader.string()
        // The uuid and document number of an issued receipt are not needed; a failure's reason is.
        let reason = tag == .receiptFailed ? reader.caseValue(of: ReceiptFailureReason.self) : nil
        return ClientMarks.mark(receiptIssued: tag == .receiptIssued, failure: reason).map { (pem, millis, $0) }
    }

    /// The whole record.
    static func record(_ bytes: UnsafeRawBufferPointer, _ header: Header) -> SpilledRecord {
        SpilledRecord(
            record: PosRecord(
                terminal: string(bytes, header.terminal), sale: header.sale.map { string(bytes, $0) },
                event: event(bytes, header)),
            file: header.file, line: header.line)
    }

    /// The record's event.
    static func event(_ bytes: UnsafeRawBufferPointer, _ header: Header) -> PosEvent {
        var reader = Reader(bytes: bytes, index: header.body)
        let at = Instant(millis: reader.int())
        switch SpillTag(rawValue: header.tag) {
        case .sale:
            let pem = reader.string()
            let total = Money(cents: reader.int())
            let payment = reader.caseValue(of: PaymentMethod.self)
            let count = Int(reader.int())
            var lines: [VatAmount] = []
            lines.reserveCapacity(count)
            for _ in 0..<count {
                let vat = VatCode.listed[Int(reader.byte())]
                lines.append(VatAmount(vat: vat, gross: Money(cents: reader.int())))
            }
            return .sale(SaleEvent(at: at, pem: pem, total: total, payment: payment, lines: lines))
        case .paymentRequest:
            let ref = reader.string()
            let kind = reader.caseValue(of: AttemptKind.self)
            return .paymentRequest(
                PaymentRequestEvent(at: at, posRefId: ref, kind: kind, amount: Money(cents: reader.int())))
        case .paymentResponse:
            let ref = reader.string()
            let success = reader.byte() == 1
            let hasAmount = reader.byte() == 1
            let cents = reader.int()
            let userOverride = reader.byte() == 1
            return .paymentResponse(
                PaymentResponseEvent(
                    at: at, posRefId: ref, success: success, amount: hasAmount ? Money(cents: cents) : nil,
                    userOverride: userOverride, hostResponseText: reader.optionalString()))
        case .receiptIssued:
            let pem = reader.string()
            let uuid = reader.string()
            let number = reader.string()
            return .receiptIssued(
                ReceiptIssuedEvent(
                    at: at, pem: pem, receiptUuid: uuid, documentNumber: number, total: Money(cents: reader.int())))
        case .receiptFailed:
            let pem = reader.string()
            return .receiptFailed(
                ReceiptFailedEvent(at: at, pem: pem, reason: reader.caseValue(of: ReceiptFailureReason.self)))
        case .posStarted, nil:
            return .posStarted(at: at)
        }
    }

    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    @inline(__always)
    private static func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    private static func i64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int64 {
        Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }

    /// Reads an event's fields in order.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index: Int

        @inline(__always)
        mutating func byte() -> UInt8 {
            defer { index += 1 }
            return bytes[index]
        }

        @inline(__always)
        mutating func int() -> Int64 {
            defer { index += 8 }
            return SpillDecoder.i64(bytes, index)
        }

        mutating func string() -> String {
            let count = Int(SpillDecoder.u32(bytes, index))
            index += 4
            defer { index += count }
            return SpillDecoder.string(bytes, index..<index + count)
        }

        mutating func optionalString() -> String? {
            byte() == 1 ? string() : nil
        }

        /// What `SpillBuffer.caseIndex` wrote.
        mutating func caseValue<Value: CaseIterable>(of type: Value.Type) -> Value {
            let cases = Value.allCases
            return cases[cases.index(cases.startIndex, offsetBy: Int(byte()))]
        }
    }
}
