/// Turns one JSON Lines record into a `PosRecord`, or says exactly what is wrong with it.
public enum PosEventDecoder {
    /// A line that cannot be read: the message names the key, what was expected and what was found.
    public struct Rejection: Error, Sendable, Hashable {
        public var message: String
    }

    /// The event names, as `PosEventName` spells them.
    public static let events = PosEventName.allCases.map(\.rawValue)

    /// Decodes a parsed line. Unknown keys are ignored; a missing key, a bad type or an unknown event rejects it.
    public static func decode(_ value: JSONValue) throws(Rejection) -> PosRecord {
        guard case .object(let object) = value else {
            throw Rejection(message: "expected a JSON object, found \(value.typeDescription)")
        }
        let reader = FieldReader(object: object)
        let eventText = try reader.string("event")
        let at = try reader.timestamp("ts")
        let terminal = try reader.nonEmptyString("terminal")
        guard let eventName = PosEventName(rawValue: eventText) else {
            throw Rejection(message: "unknown event \"\(eventText)\": expected one of \(PosEventName.spellingList)")
        }
        if eventName == .posStarted {
            return PosRecord(terminal: terminal, sale: try reader.optionalString("sale"), event: .posStarted(at: at))
        }
        let sale = try reader.nonEmptyString("sale")
        let event: PosEvent
        switch eventName {
        case .sale:
            let total = try reader.positiveMoney("total")
            let lines = try reader.saleLines("lines")
            guard let sum = VatAmount.sum(lines) else {
                throw Rejection(message: "bad \"lines\": the grosses add up to more than can be counted")
            }
            guard sum == total else {
                throw Rejection(message: "bad \"lines\": the grosses add up to \(sum), expected the total \(total)")
            }
            event = .sale(
                SaleEvent(
                    at: at, pem: try reader.pem("pem"), total: total,
                    payment: try reader.enumeration("payment", PaymentMethod.self), lines: lines))
        case .paymentRequest:
            event = .paymentRequest(
                PaymentRequestEvent(
                    at: at, posRefId: try reader.nonEmptyString("posRefId"),
                    kind: try reader.enumeration("kind", AttemptKind.self), amount: try reader.cents("amount")))
        case .paymentResponse:
            event = .paymentResponse(
                PaymentResponseEvent(
                    at: at, posRefId: try reader.nonEmptyString("posRefId"), success: try reader.bool("success"),
                    amount: try reader.optionalCents("amount"),
                    userOverride: try reader.optionalBool("userOverride") ?? false,
                    hostResponseText: try reader.optionalString("hostResponseText")))
        case .receiptIssued:
            event = .receiptIssued(
                ReceiptIssuedEvent(
                    at: at, pem: try reader.pem("pem"),
                    receiptUuid: try reader.nonEmptyString("receiptUuid").lowercased(),
                    documentNumber: try reader.documentNumber("documentNumber"),
                    total: try reader.positiveMoney("total")))
        case .posStarted:
            preconditionFailure("pos_started is decoded above")
        case .receiptFailed:
            event = .receiptFailed(
                ReceiptFailedEvent(
                    at: at, pem: try reader.pem("pem"),
                    reason: try reader.enumeration("reason", ReceiptFailureReason.self)))
        }
        return PosRecord(terminal: terminal, sale: sale, event: event)
    }
}

/// Reads typed fields from a JSON object with the messages of the house style.
struct FieldReader {
    let object: JSONObject

    typealias Rejection = PosEventDecoder.Rejection

    func required(_ key: String) throws(Rejection) -> JSONValue {
        guard let value = object[key], value != .null else {
            throw Rejection(message: "missing required key \"\(key)\"")
        }
        return value
    }

    func string(_ key: String) throws(Rejection) -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw badType(key, "a string", value) }
        return text
    }

    func nonEmptyString(_ key: String) throws(Rejection) -> String {
        let text = try string(key)
        guard !text.isEmpty else { throw Rejection(message: "bad \"\(key)\": expected a non-empty string, found \"\"") }
        return text
    }

    /// A PEM serial number (`PEMSerial`): it becomes part of output paths, so nothing else passes.
    func pem(_ key: String) throws(Rejection) -> String {
        let text = try nonEmptyString(key)
        guard PEMSerial.isValid(text) else {
            throw Rejection(message: PEMSerial.rejection(of: text, in: "\"\(key)\""))
        }
        return text
    }

    func optionalString(_ key: String) throws(Rejection) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw badType(key, "a string", value) }
        return text
    }

    func bool(_ key: String) throws(Rejection) -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value else { throw badType(key, "true or false", value) }
        return flag
    }

    func optionalBool(_ key: String) throws(Rejection) -> Bool? {
        guard object[key] != nil, object[key] != .null else { return nil }
        return try bool(key)
    }

    func timestamp(_ key: String) throws(Rejection) -> Instant {
        let text = try string(key)
        guard let instant = TimestampParser.parseAbsolute(text) else {
            throw Rejection(message: "bad \"\(key)\": expected an RFC 3339 timestamp with an offset, found \"\(text)\"")
        }
        return instant
    }

    func positiveMoney(_ key: String) throws(Rejection) -> Money {
        let value = try required(key)
        guard case .string(let text) = value else {
            throw badType(key, "a decimal string of euros like \"12.50\"", value)
        }
        guard let money = Money.parse(text), money.cents > 0 else {
            throw Rejection(
                message: Money.isTooLarge(text)
                    ? "bad \"\(key)\": expected at most \(Money.largestInput), found \"\(text)\""
                    : "bad \"\(key)\": expected a decimal amount above zero like \"12.50\", found \"\(text)\"")
        }
        return money
    }

    func cents(_ key: String) throws(Rejection) -> Money {
        let value = try required(key)
        guard let cents = value.int64Value, cents >= 0 else {
            throw badType(key, "a whole number of cents", value)
        }
        guard cents <= Money.largestInput.cents else {
            throw Rejection(
                message: "bad \"\(key)\": expected at most \(Money.largestInput.cents) cents, found \(cents)")
        }
        return Money(cents: cents)
    }

    func optionalCents(_ key: String) throws(Rejection) -> Money? {
        guard object[key] != nil, object[key] != .null else { return nil }
        return try cents(key)
    }

    func documentNumber(_ key: String) throws(Rejection) -> String {
        let value = try required(key)
        switch value {
        case .string(let text) where !text.isEmpty: return text
        case .number(let text): return text
        default: throw badType(key, "a document number", value)
        }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(Rejection) -> E
    where E.RawValue == String {
        let text = try string(key)
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw Rejection(message: "bad \"\(key)\": expected one of \(allowed), found \"\(text)\"")
        }
        return value
    }

    func saleLines(_ key: String) throws(Rejection) -> [VatAmount] {
        let value = try required(key)
        guard case .array(let items) = value, !items.isEmpty else {
            throw badType(key, "a non-empty array of {\"vat\", \"gross\"}", value)
        }
        var lines: [VatAmount] = []
        lines.reserveCapacity(items.count)
        for (position, item) in items.enumerated() {
            guard case .object(let line) = item else {
                throw Rejection(
                    message: "bad \"\(key)\"[\(position)]: expected an object, found \(item.typeDescription)")
            }
            let lineReader = FieldReader(object: line)
            let vatText = try lineReader.string("vat")
            guard let vat = VatCode(vatText) else {
                throw Rejection(
                    message:
                        "bad \"\(key)\"[\(position)].vat: expected an A-Cube vat_rate_code like \"22.00\" or \"N1\", found \"\(vatText)\""
                )
            }
            let gross = try lineReader.positiveMoney("gross")
            lines.append(VatAmount(vat: vat, gross: gross))
        }
        return lines
    }

    func badType(_ key: String, _ expected: String, _ found: JSONValue) -> Rejection {
        Rejection(message: "bad \"\(key)\": expected \(expected), found \(found.typeDescription) \(found.excerpt)")
    }
}
