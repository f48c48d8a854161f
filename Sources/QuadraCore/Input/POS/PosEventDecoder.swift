/// Turns one JSON Lines record into a `PosRecord`, or says exactly what is wrong with it (formats.md §1.1). The
/// one reading of a POS line: `decode(_:into:)`, over a field source, serves the fast scanner (`PosLineScanner`,
/// its fields spans of the line's bytes) and the strict path (a parsed tree) alike.
public enum PosEventDecoder {
    /// A line that cannot be read: the message names the key, what was expected and what was found.
    public struct Rejection: Error, Sendable, Hashable {
        public var message: String
    }

    /// The keys a POS line's events read.
    enum Key: String, FieldKey {
        case ts, event, terminal, sale, pem, total, payment, lines, posRefId, kind, amount, success, userOverride
        case hostResponseText, receiptUuid, documentNumber, reason

        typealias Nested = SaleLineKey
        static let spellings = ByteSpellings<Key>()
    }

    /// The keys of a sale's line.
    enum SaleLineKey: String, FieldKey {
        case vat, gross

        static let spellings = ByteSpellings<SaleLineKey>()
    }

    /// Decodes a parsed line. Unknown keys are ignored; a missing key, a bad type or an unknown event rejects it.
    public static func decode(_ value: JSONValue) throws(Rejection) -> PosRecord {
        var builder = PosRecordBuilder()
        try decode(value, into: &builder)
        guard let record = builder.record else { preconditionFailure("an accepted line reaches its sink") }
        return record
    }

    /// Decodes a parsed line into `sink`.
    static func decode<Sink: PosRecordSink>(_ value: JSONValue, into sink: inout Sink) throws(Rejection)
    where Sink.Text == String {
        guard case .object(let object) = value else {
            throw Rejection(message: "expected a JSON object, found \(value.typeDescription)")
        }
        try decode(TreeFields<Key>(object: object), into: &sink)
    }

    /// Reads the line's record from its fields, wherever they come from, each check in the order of the messages,
    /// and hands it to `sink` once all have passed.
    @_transparent
    static func decode<Line: FieldSource, Sink: PosRecordSink>(_ line: Line, into sink: inout Sink)
        throws(Line.Failure)
    where Line.Key == Key, Sink.Text == Line.Text {
        let eventText = try line.string(.event)
        let at = try line.timestamp(.ts)
        let terminal = try line.nonEmptyString(.terminal)
        guard let eventName = eventText.withUTF8Bytes({ PosEventName.spelled($0) }) else {
            throw line.failure(
                "unknown event \"\(eventText.string)\": expected one of \(PosEventName.spellingList)")
        }
        if eventName == .posStarted {
            sink.posStarted(terminal: terminal, sale: try line.optionalString(.sale), at: at)
            return
        }
        let sale = try line.nonEmptyString(.sale)
        switch eventName {
        case .sale:
            let total = try line.positiveMoney(.total)
            let lines = try line.saleLines(.lines)
            guard let sum = VatAmount.sum(lines) else {
                throw line.failure("bad \"lines\": the grosses add up to more than can be counted")
            }
            guard sum == total else {
                throw line.failure("bad \"lines\": the grosses add up to \(sum), expected the total \(total)")
            }
            sink.sale(
                terminal: terminal, sale: sale, at: at, pem: try line.pem(.pem), total: total,
                payment: try line.enumeration(.payment, PaymentMethod.self), lines: lines)
        case .paymentRequest:
            sink.paymentRequest(
                terminal: terminal, sale: sale, at: at, posRefId: try line.nonEmptyString(.posRefId),
                kind: try line.enumeration(.kind, AttemptKind.self), amount: try line.cents(.amount))
        case .paymentResponse:
            sink.paymentResponse(
                terminal: terminal, sale: sale, at: at, posRefId: try line.nonEmptyString(.posRefId),
                success: try line.bool(.success), amount: try line.optionalCents(.amount),
                userOverride: try line.optionalBool(.userOverride) ?? false,
                hostResponseText: try line.optionalString(.hostResponseText))
        case .receiptIssued:
            sink.receiptIssued(
                terminal: terminal, sale: sale, at: at, pem: try line.pem(.pem),
                receiptUuid: try line.nonEmptyString(.receiptUuid).lowercased(),
                documentNumber: try line.documentNumber(.documentNumber), total: try line.positiveMoney(.total))
        case .receiptFailed:
            sink.receiptFailed(
                terminal: terminal, sale: sale, at: at, pem: try line.pem(.pem),
                reason: try line.enumeration(.reason, ReceiptFailureReason.self))
        case .posStarted:
            preconditionFailure("pos_started is decoded above")
        }
    }
}
