/// One line of a POS event log (formats.md §1.1).
public enum PosEvent: Sendable, Hashable {
    case sale(SaleEvent)
    case paymentRequest(PaymentRequestEvent)
    case paymentResponse(PaymentResponseEvent)
    case receiptIssued(ReceiptIssuedEvent)
    case receiptFailed(ReceiptFailedEvent)
    case posStarted(at: Instant)
}
