/// The POS contract's reads (formats.md §1.1), for `PosEventDecoder` on either source.
extension FieldSource {
    /// An RFC 3339 timestamp with an offset.
    @inline(__always)
    func timestamp(_ key: Key) throws(Failure) -> Instant {
        let text = try string(key)
        guard let instant = text.withUTF8Bytes({ TimestampParser.parseAbsolute(bytes: $0) }) else {
            throw failure(
                "bad \"\(key.rawValue)\": expected an RFC 3339 timestamp with an offset, found \"\(text.string)\"")
        }
        return instant
    }

    /// A PEM serial number (`PEMSerial`): it becomes part of output paths, so nothing else passes.
    @inline(__always)
    func pem(_ key: Key) throws(Failure) -> Text {
        let text = try nonEmptyString(key)
        guard text.withUTF8Bytes({ PEMSerial.isValid($0) }) else {
            throw failure(PEMSerial.rejection(of: text.string, in: "\"\(key.rawValue)\""))
        }
        return text
    }

    /// A decimal string of euros above zero, at most `Money.largestInput`.
    @inline(__always)
    func positiveMoney(_ key: Key) throws(Failure) -> Money {
        let value = try required(key)
        guard case .string(let text) = value else {
            throw badType(key, "a decimal string of euros like \"12.50\"", value)
        }
        guard let money = text.withUTF8Bytes({ Money.parse(utf8: $0) }), money.cents > 0 else {
            throw failure(
                Money.isTooLarge(text.string)
                    ? "bad \"\(key.rawValue)\": expected at most \(Money.largestInput), found \"\(text.string)\""
                    : "bad \"\(key.rawValue)\": expected a decimal amount above zero like \"12.50\", found "
                        + "\"\(text.string)\"")
        }
        return money
    }

    /// A whole number of cents, from zero to `Money.largestInput`.
    @inline(__always)
    func cents(_ key: Key) throws(Failure) -> Money {
        let value = try required(key)
        guard case .number(let text) = value, let cents = text.withUTF8Bytes(wholeNumber) else {
            throw badType(key, "a whole number of cents", value)
        }
        guard cents <= Money.largestInput.cents else {
            throw failure(
                "bad \"\(key.rawValue)\": expected at most \(Money.largestInput.cents) cents, found \(cents)")
        }
        return Money(cents: cents)
    }

    @inline(__always)
    func optionalCents(_ key: Key) throws(Failure) -> Money? {
        if case .missing = self[key] { return nil }
        return try cents(key)
    }

    /// A non-empty string or a number, kept as written.
    @inline(__always)
    func documentNumber(_ key: Key) throws(Failure) -> Text {
        let value = try required(key)
        switch value {
        case .string(let text) where !text.isEmpty: return text
        case .number(let text): return text
        default: throw badType(key, "a document number", value)
        }
    }
}

extension FieldSource where Key == PosEventDecoder.Key {
    /// A non-empty array of `{"vat", "gross"}` objects.
    @inline(__always)
    func saleLines(_ key: Key) throws(Failure) -> [VatAmount] {
        let value = try required(key)
        let expected = "a non-empty array of {\"vat\", \"gross\"}"
        guard case .array(let items) = value else { throw badType(key, expected, value) }
        var lines: [VatAmount] = []
        try forEachElement(of: items) { item throws(Failure) in
            let line: Nested
            switch item {
            case .object(let fields):
                line = fields
            case .other(let value):
                throw failure(
                    "bad \"\(key.rawValue)\"[\(lines.count)]: expected an object, found "
                        + value.described.typeDescription)
            }
            let vatText = try line.string(.vat)
            guard let vat = vatText.withUTF8Bytes({ VatCode(utf8: $0) }) else {
                throw failure(
                    "bad \"\(key.rawValue)\"[\(lines.count)].vat: expected an A-Cube vat_rate_code like \"22.00\" or "
                        + "\"N1\", found \"\(vatText.string)\"")
            }
            lines.append(VatAmount(vat: vat, gross: try line.positiveMoney(.gross)))
        }
        guard !lines.isEmpty else { throw badType(key, expected, value) }
        return lines
    }
}

/// `Int64(text)` over a JSON number's text where it is zero or more (`-0` is 0); nil for any other text.
@inline(__always)
private func wholeNumber(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    if text.first == UInt8(ascii: "-") {
        // JSON allows no digit after a leading 0: only `-0` is not negative.
        return text.count == 2 && text[1] == UInt8(ascii: "0") ? 0 : nil
    }
    guard !text.isEmpty else { return nil }
    var value: Int64 = 0
    for byte in text {
        let digit = byte &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
        let (next, carry) = tens.addingReportingOverflow(Int64(digit))
        guard !overflow, !carry else { return nil }
        value = next
    }
    return value
}
