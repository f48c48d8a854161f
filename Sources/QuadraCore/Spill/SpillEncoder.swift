import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a record in the spill format (`SpillDecoder` reads it back).
struct SpillEncoder<Text: FieldText>: PosRecordSink {
    /// Where the record goes; the caller takes the buffer back after decoding (it may have grown).
    var out: SpillBuffer
    /// Where the record was read: the file's index and the line's number.
    let file: Int
    let line: Int

    /// Starts a record: room for its length, then the tag, file, line, terminal and sale. Returns where it starts.
    @inline(__always)
    private mutating func begin(_ tag: SpillTag, terminal: Text, sale: Text?) -> Int {
        let start = out.count
        out.u32(0)  // the record's length, set by `finish`
        out.byte(tag.rawValue)
        out.u32(UInt32(file))
        out.i64(Int64(line))
        out.text(terminal)
        out.optionalText(sale)
        return start
    }

    /// Ends the record that starts at `start`: writes its length.
    @inline(__always)
    private mutating func finish(_ start: Int) {
        out.base.storeBytes(of: UInt32(out.count - start).littleEndian, toByteOffset: start, as: UInt32.self)
    }

    mutating func posStarted(terminal: Text, sale: Text?, at: Instant) {
        let start = begin(.posStarted, terminal: terminal, sale: sale)
        out.i64(at.millis)
        finish(start)
    }

    mutating func sale(
        terminal: Text, sale: Text, at: Instant, pem: Text, total: Money, payment: PaymentMethod, lines: [VatAmount]
    ) {
        let start = begin(.sale, terminal: terminal, sale: sale)
        out.i64(at.millis)
        out.text(pem)
        out.i64(total.cents)
        out.caseIndex(payment)
        out.i64(Int64(lines.count))
        for line in lines {
            out.byte(UInt8(line.vat.listedIndex))
            out.i64(line.gross.cents)
        }
        finish(start)
    }

    mutating func paymentRequest(
        terminal: Text, sale: Text, at: Instant, posRefId: Text, kind: AttemptKind, amount: Money
    ) {
        let start = begin(.paymentRequest, terminal: terminal, sale: sale)
        out.i64(at.millis)
        out.text(posRefId)
        out.caseIndex(kind)
        out.i64(amount.cents)
        finish(start)
    }

    mutating func paymentResponse(
        terminal: Text, sale: Text, at: Instant, posRefId: Text, success: Bool, amount: Money?, userOverride: Bool,
        hostResponseText: Text?
    ) {
        let start = begin(.paymentResponse, terminal: terminal, sale: sale)
        out.i64(at.millis)
        out.text(posRefId)
        out.byte(success ? 1 : 0)
        out.byte(amount == nil ? 0 : 1)
        out.i64(amount?.cents ?? 0)
        out.byte(userOverride ? 1 : 0)
        out.optionalText(hostResponseText)
        finish(start)
    }

    mutating func receiptIssued(
        terminal: Text, sale: Text, at: Instant, pem: Text, receiptUuid: Text.Lowercased, documentNumber: Text,
        total: Money
    ) {
        let start = begin(.receiptIssued, terminal: terminal, sale: sale)
        out.i64(at.millis)
        out.text(pem)
        out.text(receiptUuid)
        out.text(documentNumber)
        out.i64(total.cents)
        finish(start)
    }

    mutating func receiptFailed(terminal: Text, sale: Text, at: Instant, pem: Text, reason: ReceiptFailureReason) {
        let start = begin(.receiptFailed, terminal: terminal, sale: sale)
        out.i64(at.millis)
        out.text(pem)
        out.caseIndex(reason)
        finish(start)
    }
}
