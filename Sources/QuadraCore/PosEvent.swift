/// The `sale` event: the POS rang up a sale.
public struct SaleEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    public var total: Money
    public var payment: PaymentMethod
    public var lines: [VatAmount]
}

/// The `payment_request` event: the POS sent an attempt to Spice.
public struct PaymentRequestEvent: Sendable, Hashable {
    public var at: Instant
    public var posRefId: String
    public var kind: AttemptKind
    public var amount: Money
}

/// The `payment_response` event: the POS got Spice's result for an attempt.
public struct PaymentResponseEvent: Sendable, Hashable {
    public var at: Instant
    public var posRefId: String
    public var success: Bool
    public var amount: Money?
    public var userOverride: Bool
    public var hostResponseText: String?
}

/// The `receipt_issued` event: A-Cube issued the fiscal receipt.
public struct ReceiptIssuedEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    /// Lower-cased, so it matches A-Cube's uuids whatever the case.
    public var receiptUuid: String
    public var documentNumber: String
    public var total: Money
}

/// Why the POS could not get a receipt from A-Cube.
public enum ReceiptFailureReason: String, Sendable, Hashable, CaseIterable {
    case unreachable
    case timeout
    case offline
    case http5xx = "http_5xx"
    case rejected

    /// `unreachable` and `timeout` open a client offline window.
    public var opensClientWindow: Bool { self == .unreachable || self == .timeout }
    /// `unreachable`, `timeout` and `offline` make a sale offline when they fall inside a window.
    public var marksOfflineSale: Bool { opensClientWindow || self == .offline }
}

/// The `receipt_failed` event.
public struct ReceiptFailedEvent: Sendable, Hashable {
    public var at: Instant
    public var pem: String
    public var reason: ReceiptFailureReason
}

/// One line of a POS event log (formats.md §1.1).
public enum PosEvent: Sendable, Hashable {
    case sale(SaleEvent)
    case paymentRequest(PaymentRequestEvent)
    case paymentResponse(PaymentResponseEvent)
    case receiptIssued(ReceiptIssuedEvent)
    case receiptFailed(ReceiptFailedEvent)
    case posStarted(at: Instant)
}

/// A decoded POS log line: the event and the terminal and sale it belongs to.
public struct PosRecord: Sendable, Hashable {
    public var terminal: String
    /// Nil only for `pos_started`.
    public var sale: String?
    public var event: PosEvent
}
