/// Gathers POS records from any number of files, in any order, into one `SaleRecord` per sale.
/// An exact repeat of an event already read (log replay, overlapping rotation) counts once; a different event
/// that claims the same slot (a second `sale` for one sale id, a second response for one posRefId) is rejected.
public struct SaleLedger: Sendable {
    public private(set) var sales: [SaleKey: SaleRecord] = [:]
    /// `pos_started` events per terminal, for the record.
    public private(set) var startsByTerminal: [String: Int] = [:]

    public init() {}

    /// Adds one record read at `source`. Returns a rejection message when the record conflicts with one
    /// already read.
    public mutating func add(_ record: PosRecord, at source: SourceLocation) -> String? {
        let event = record.event
        if case .posStarted = event {
            startsByTerminal[record.terminal, default: 0] += 1
            return nil
        }
        guard let saleId = record.sale else { return nil }
        let key = SaleKey(terminal: record.terminal, sale: saleId)
        // Modified in place (one lookup, no copy of the record).
        return Self.apply(
            event, saleId: saleId, terminal: record.terminal, at: source,
            to: &sales[key, default: SaleRecord(terminal: record.terminal, saleId: saleId)])
    }

    /// Adds one event of the sale `saleId` of `terminal` to `sale`; returns a rejection message when it conflicts
    /// with an event already added. Static, so that no copy of a ledger (and of its dictionary) is alive while a
    /// record in it is modified in place.
    static func apply(
        _ event: PosEvent, saleId: String, terminal: String, at source: SourceLocation, to sale: inout SaleRecord
    ) -> String? {
        switch event {
        case .posStarted:
            return nil
        case .sale(let saleEvent):
            if let existing = sale.sale {
                return existing == saleEvent
                    ? nil : conflict("sale \(saleId) on terminal \(terminal)", sale.saleSource)
            }
            sale.sale = saleEvent
            sale.saleSource = source
        case .paymentRequest(let request):
            let index = Self.attemptIndex(&sale, request.posRefId)
            if let existing = sale.attempts[index].request {
                return existing == request
                    ? nil : conflict("payment_request \(request.posRefId)", sale.attempts[index].requestSource)
            }
            sale.attempts[index].request = request
            sale.attempts[index].requestSource = source
            Self.sortAttempts(&sale)
        case .paymentResponse(let response):
            let index = Self.attemptIndex(&sale, response.posRefId)
            if let existing = sale.attempts[index].response {
                return existing == response
                    ? nil : conflict("payment_response \(response.posRefId)", sale.attempts[index].responseSource)
            }
            sale.attempts[index].response = response
            sale.attempts[index].responseSource = source
            Self.sortAttempts(&sale)
        case .receiptIssued(let issued):
            if let existing = sale.receipts.first(where: { $0.event.receiptUuid == issued.receiptUuid }) {
                return existing.event == issued
                    ? nil : conflict("receipt_issued \(issued.receiptUuid)", existing.source)
            }
            sale.receipts.append(SaleRecord.IssuedReceipt(event: issued, source: source))
            sale.receipts.sort { ($0.event.at, $0.event.receiptUuid) < ($1.event.at, $1.event.receiptUuid) }
        case .receiptFailed(let failure):
            if sale.failures.contains(failure) { return nil }
            sale.failures.append(failure)
            sale.failures.sort { ($0.at, $0.pem, $0.reason.rawValue) < ($1.at, $1.pem, $1.reason.rawValue) }
        }
        return nil
    }

    private static func conflict(_ what: String, _ earlier: SourceLocation?) -> String {
        let place = earlier.map { " at \($0)" } ?? ""
        return "conflicting \(what): a different one was already read\(place); this line is ignored"
    }

    private static func attemptIndex(_ sale: inout SaleRecord, _ posRefId: String) -> Int {
        if let index = sale.attempts.firstIndex(where: { $0.posRefId == posRefId }) { return index }
        sale.attempts.append(SaleRecord.Attempt(posRefId: posRefId))
        return sale.attempts.count - 1
    }

    private static func sortAttempts(_ sale: inout SaleRecord) {
        sale.attempts.sort {
            let left = $0.at ?? Instant(millis: .max)
            let right = $1.at ?? Instant(millis: .max)
            return left != right ? left < right : $0.posRefId < $1.posRefId
        }
    }
}
