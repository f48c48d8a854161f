/// The strict path's sink: the record `PosEventDecoder` read, as a `PosRecord`.
struct PosRecordBuilder: PosRecordSink {
    /// Nil until the decoder has accepted the line.
    var record: PosRecord?

    mutating func posStarted(terminal: String, sale: String?, at: Instant) {
        record = PosRecord(terminal: terminal, sale: sale, event: .posStarted(at: at))
    }

    mutating func sale(
        terminal: String, sale: String, at: Instant, pem: String, total: Money, payment: PaymentMethod,
        lines: [VatAmount]
    ) {
        record = PosRecord(
            terminal: terminal, sale: sale,
            event: .sale(SaleEvent(at: at, pem: pem, total: total, payment: payment, lines: lines)))
    }

    mutating func paymentRequest(
        terminal: String, sale: String, at: Instant, posRefId: String, kind: AttemptKind, amount: Money
    ) {
        record = PosRecord(
            terminal: terminal, sale: sale,
            event: .paymentRequest(PaymentRequestEvent(at: at, posRefId: posRefId, kind: kind, amount: amount)))
    }

    mutating func paymentResponse(
        terminal: String, sale: String, at: Instant, posRefId: String, success: Bool, amount: Money?,
        userOverride: Bool, hostResponseText: String?
    ) {
        record = PosRecord(
            terminal: terminal, sale: sale,
            event: .paymentResponse(
                PaymentResponseEvent(
                    at: at, posRefId: posRefId, success: success, amount: amount, userOverride: userOverride,
                    hostResponseText: hostResponseText)))
    }

    mutating func receiptIssued(
        terminal: String, sale: String, at: Instant, pem: String, receiptUuid: String, documentNumber: String,
        total: Money
    ) {
        record = PosRecord(
            terminal: terminal, sale: sale,
            event: .receiptIssued(
                ReceiptIssuedEvent(
                    at: at, pem: pem, receiptUuid: receiptUuid, documentNumber: documentNumber, total: total)))
    }

    mutating func receiptFailed(terminal: String, sale: String, at: Instant, pem: String, reason: ReceiptFailureReason)
    {
        record = PosRecord(
            terminal: terminal, sale: sale, event: .receiptFailed(ReceiptFailedEvent(at: at, pem: pem, reason: reason)))
    }
}
