/// A sale as the POS logs tell it: its `sale` event, its payment attempts, its receipt events.
public struct SaleRecord: Sendable, Equatable {
    /// An attempt: its request and response as logged (either may be missing).
    public struct Attempt: Sendable, Hashable {
        public var posRefId: String
        public var request: PaymentRequestEvent?
        public var response: PaymentResponseEvent?
        public var requestSource: SourceLocation?
        public var responseSource: SourceLocation?

        /// When the attempt started: its request, else its response.
        public var at: Instant? { request?.at ?? response?.at }
    }

    public struct IssuedReceipt: Sendable, Hashable {
        public var event: ReceiptIssuedEvent
        public var source: SourceLocation
    }

    public var terminal: String
    public var saleId: String
    public var sale: SaleEvent?
    public var saleSource: SourceLocation?
    /// In the order the attempts started (then by posRefId).
    public var attempts: [Attempt] = []
    public var receipts: [IssuedReceipt] = []
    public var failures: [ReceiptFailedEvent] = []

    public init(terminal: String, saleId: String) {
        self.terminal = terminal
        self.saleId = saleId
    }

    /// Empties the record for another sale, keeping its arrays' capacity.
    mutating func reset(terminal: String, saleId: String) {
        self.terminal = terminal
        self.saleId = saleId
        sale = nil
        saleSource = nil
        attempts.removeAll(keepingCapacity: true)
        receipts.removeAll(keepingCapacity: true)
        failures.removeAll(keepingCapacity: true)
    }
}
