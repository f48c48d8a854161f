/// Where `PosEventDecoder` puts the record it has read: one call, after every check has passed, to the method of
/// the line's event, the texts as the field source gives them. The fast path spills the record straight from the
/// line's bytes (`SpillEncoder<ScannedText>`); the strict path spills it from strings or builds a `PosRecord`
/// (`PosRecordBuilder`).
protocol PosRecordSink {
    associatedtype Text: FieldText

    mutating func posStarted(terminal: Text, sale: Text?, at: Instant)
    mutating func sale(
        terminal: Text, sale: Text, at: Instant, pem: Text, total: Money, payment: PaymentMethod, lines: [VatAmount])
    mutating func paymentRequest(
        terminal: Text, sale: Text, at: Instant, posRefId: Text, kind: AttemptKind, amount: Money)
    mutating func paymentResponse(
        terminal: Text, sale: Text, at: Instant, posRefId: Text, success: Bool, amount: Money?, userOverride: Bool,
        hostResponseText: Text?)
    mutating func receiptIssued(
        terminal: Text, sale: Text, at: Instant, pem: Text, receiptUuid: Text.Lowercased, documentNumber: Text,
        total: Money)
    mutating func receiptFailed(terminal: Text, sale: Text, at: Instant, pem: Text, reason: ReceiptFailureReason)
}
