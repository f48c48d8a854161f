import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum SpillEncoder {
    static func encode(_ record: PosRecord, file: Int, line: Int, into out: inout SpillBuffer) {
        let start: Int
        switch record.event {
        case .sale(let sale):
            start = begin(tag: .sale, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            self.sale(at: sale.at, pem: sale.pem, total: sale.total, payment: sale.payment, lines: sale.lines, &out)
        case .paymentRequest(let request):
            start = begin(
                tag: .paymentRequest, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            paymentRequest(
                at: request.at, posRefId: request.posRefId, kind: request.kind, amount: request.amount, &out)
        case .paymentResponse(let response):
            start = begin(
                tag: .paymentResponse, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            paymentResponse(
                at: response.at, posRefId: response.posRefId, success: response.success, amount: response.amount,
                userOverride: response.userOverride, hostResponseText: response.hostResponseText, &out)
        case .receiptIssued(let issued):
            start = begin(
                tag: .receiptIssued, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            receiptIssued(
                at: issued.at, pem: issued.pem, uuid: issued.receiptUuid, documentNumber: issued.documentNumber,
                total: issued.total, &out)
        case .receiptFailed(let failure):
            start = begin(
                tag: .receiptFailed, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            receiptFailed(at: failure.at, pem: failure.pem, reason: failure.reason, &out)
        case .posStarted(let at):
            start = begin(
                tag: .posStarted, file: file, line: line, terminal: record.terminal, sale: record.sale, into: &out)
            out.i64(at.millis)
        }
        finish(start, &out)
    }

    /// Starts a record: room for its length, then the tag, file, line, terminal and sale. Returns where it starts.
    static func begin(
        tag: SpillTag, file: Int, line: Int, terminal: some SpillText, sale: (some SpillText)?,
        into out: inout SpillBuffer
    ) -> Int {
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
    static func finish(_ start: Int, _ out: inout SpillBuffer) {
        out.base.storeBytes(of: UInt32(out.count - start).littleEndian, toByteOffset: start, as: UInt32.self)
    }

    static func sale(
        at: Instant, pem: some SpillText, total: Money, payment: PaymentMethod, lines: [VatAmount],
        _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(pem)
        out.i64(total.cents)
        out.caseIndex(payment)
        out.i64(Int64(lines.count))
        for line in lines {
            out.byte(UInt8(line.vat.listedIndex))
            out.i64(line.gross.cents)
        }
    }

    static func paymentRequest(
        at: Instant, posRefId: some SpillText, kind: AttemptKind, amount: Money, _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(posRefId)
        out.caseIndex(kind)
        out.i64(amount.cents)
    }

    static func paymentResponse(
        at: Instant, posRefId: some SpillText, success: Bool, amount: Money?, userOverride: Bool,
        hostResponseText: (some SpillText)?, _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(posRefId)
        out.byte(success ? 1 : 0)
        out.byte(amount == nil ? 0 : 1)
        out.i64(amount?.cents ?? 0)
        out.byte(userOverride ? 1 : 0)
        out.optionalText(hostResponseText)
    }

    static func receiptIssued(
        at: Instant, pem: some SpillText, uuid: some SpillText, documentNumber: some SpillText, total: Money,
        _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(pem)
        out.text(uuid)
        out.text(documentNumber)
        out.i64(total.cents)
    }

    static func receiptFailed(
        at: Instant, pem: some SpillText, reason: ReceiptFailureReason, _ out: inout SpillBuffer
    ) {
        out.i64(at.millis)
        out.text(pem)
        out.caseIndex(reason)
    }
}
