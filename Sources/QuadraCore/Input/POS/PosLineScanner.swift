/// Decodes one POS log line fast when it has the ordinary shape; nil means "take the strict path".
///
/// Whenever it returns a record, that record equals `PosEventDecoder.decode(JSONParser.parse(line))`; whenever the
/// strict path throws, it returns nil. It also returns nil for anything merely unusual, and leaves the exact
/// message to the strict path: a backslash escape or a byte at or above 0x80 anywhere, a top-level value that
/// is not an object, an unknown value nested deeper than `maximumDepth`, a line of 2 GiB or more, grosses whose
/// sum overflows 64 bits (on which the strict path traps today).
///
/// One pass over the bytes validates the JSON (RFC 8259 grammar, white space anywhere it is allowed) and records
/// where the value of each known top-level key lies, `null` counting as missing, as `FieldReader` sees it. A key
/// repeated in any object of the line (the strict parser rejects it) sends the line to the strict path: at the top
/// level, a bit per known key and `JSONObjectKeys` for the others find it; deeper, `JSONObjectKeys`. An object with
/// more than `JSONObjectKeys.capacity` keys that are not known top-level keys takes the strict path too. A second step decodes the event from those
/// ranges, reading only the keys that event uses; unknown keys only have to be valid JSON.
public enum PosLineScanner {
    /// Nesting beyond this (the line's object is level 1) sends the line to the strict path.
    static let maximumDepth = 32

    /// Decodes `line` without building a JSON tree; nil means "take the strict path". (The record is spilled, as
    /// a night's reader does, and read back.)
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) -> PosRecord? {
        var buffer = SpillBuffer(capacity: 256)
        defer { buffer.deallocate() }
        guard encode(line, file: 0, line: 0, into: &buffer) else { return nil }
        return SpillDecoder.record(buffer.bytes, SpillDecoder.header(buffer.bytes, at: 0)).record
    }

    /// Writes the line's record to `out` in the spill format, with its file and line, without building a JSON tree
    /// or a single string; false (and nothing written) means "take the strict path".
    static func encode(_ line: UnsafeBufferPointer<UInt8>, file: Int, line number: Int, into out: inout SpillBuffer)
        -> Bool
    {
        guard let base = line.baseAddress, line.count < Int32.max else { return false }
        var scanner = ByteScanner(base: base, end: line.count)
        var fields = Fields()
        guard scanner.topLevelObject(into: &fields) else { return false }
        return FieldDecoder(base: base).encode(fields, file: file, line: number, into: &out)
    }
}

extension PosLineScanner {
    // MARK: - Spans

    /// What a recorded value is. `null` is recorded as `missing`, which is how every field reader treats it.
    fileprivate enum ValueKind: UInt8 {
        case missing
        case string
        /// A number with no fraction and no exponent.
        case integer
        /// A number with a fraction or an exponent.
        case number
        case trueLiteral
        case falseLiteral
        case array
        case object
    }

    /// Where a value lies in the line; a key never seen is `missing`.
    fileprivate typealias Span = JSONSpan<ValueKind>

    /// The top-level keys some event reads.
    fileprivate enum Key: UInt8 {
        case ts, event, terminal, sale, pem, total, payment, lines, posRefId, kind, amount, success, userOverride
        case hostResponseText, receiptUuid, documentNumber, reason
        case other
    }

    /// The value of each known top-level key.
    fileprivate struct Fields {
        /// A bit per known key already read (`1 << Key.rawValue`).
        var seen: UInt32 = 0
        var ts = Span()
        var event = Span()
        var terminal = Span()
        var sale = Span()
        var pem = Span()
        var total = Span()
        var payment = Span()
        var lines = Span()
        var posRefId = Span()
        var kind = Span()
        var amount = Span()
        var success = Span()
        var userOverride = Span()
        var hostResponseText = Span()
        var receiptUuid = Span()
        var documentNumber = Span()
        var reason = Span()

        /// Records a known key's value (not `.other`: the caller follows those); false when the key was already read.
        @inline(__always)
        mutating func set(_ key: Key, _ span: Span) -> Bool {
            let bit: UInt32 = 1 << key.rawValue
            guard seen & bit == 0 else { return false }
            seen |= bit
            switch key {
            case .ts: ts = span
            case .event: event = span
            case .terminal: terminal = span
            case .sale: sale = span
            case .pem: pem = span
            case .total: total = span
            case .payment: payment = span
            case .lines: lines = span
            case .posRefId: posRefId = span
            case .kind: kind = span
            case .amount: amount = span
            case .success: success = span
            case .userOverride: userOverride = span
            case .hostResponseText: hostResponseText = span
            case .receiptUuid: receiptUuid = span
            case .documentNumber: documentNumber = span
            case .reason: reason = span
            case .other: return false
            }
            return true
        }
    }

    // MARK: - The validating pass

    /// The line's cursor: the shared JSON grammar, plus what only this scanner does (below, at file scope).
    fileprivate typealias ByteScanner = JSONByteCursor

    // MARK: - Decoding the recorded values

    /// Reads typed values from recorded spans, with `FieldReader`'s rules; nil wherever `FieldReader` throws.
    fileprivate struct FieldDecoder {
        let base: UnsafePointer<UInt8>

        /// Checks the event's fields and writes its record (`SpillEncoder`'s layout); false, with nothing written,
        /// wherever `PosEventDecoder` would throw.
        func encode(_ fields: Fields, file: Int, line: Int, into out: inout SpillBuffer) -> Bool {
            guard let eventName = spelled(fields.event, as: PosEventName.self),
                let at = timestamp(fields.ts), let terminal = nonEmptyBytes(fields.terminal)
            else { return false }
            if eventName == .posStarted {
                guard let sale = optionalBytes(fields.sale) else { return false }
                let start = SpillEncoder.begin(
                    tag: .posStarted, file: file, line: line, terminal: terminal, sale: sale, into: &out)
                out.i64(at.millis)
                SpillEncoder.finish(start, &out)
                return true
            }
            guard let sale = nonEmptyBytes(fields.sale) else { return false }
            let start: Int
            switch eventName {
            case .sale:
                guard let total = positiveMoney(fields.total), let lines = saleLines(fields.lines),
                    let pem = pemBytes(fields.pem), let payment = spelled(fields.payment, as: PaymentMethod.self)
                else { return false }
                guard VatAmount.sum(lines) == total else { return false }
                start = SpillEncoder.begin(
                    tag: .sale, file: file, line: line, terminal: terminal, sale: sale, into: &out)
                SpillEncoder.sale(at: at, pem: pem, total: total, payment: payment, lines: lines, &out)
            case .paymentRequest:
                guard let posRefId = nonEmptyBytes(fields.posRefId),
                    let kind = spelled(fields.kind, as: AttemptKind.self),
                    let amount = cents(fields.amount)
                else { return false }
                start = SpillEncoder.begin(
                    tag: .paymentRequest, file: file, line: line, terminal: terminal, sale: sale, into: &out)
                SpillEncoder.paymentRequest(at: at, posRefId: posRefId, kind: kind, amount: amount, &out)
            case .paymentResponse:
                guard let posRefId = nonEmptyBytes(fields.posRefId), let success = bool(fields.success),
                    let amount = optionalCents(fields.amount), let userOverride = optionalBool(fields.userOverride),
                    let hostResponseText = optionalBytes(fields.hostResponseText)
                else { return false }
                start = SpillEncoder.begin(
                    tag: .paymentResponse, file: file, line: line, terminal: terminal, sale: sale, into: &out)
                SpillEncoder.paymentResponse(
                    at: at, posRefId: posRefId, success: success, amount: amount, userOverride: userOverride ?? false,
                    hostResponseText: hostResponseText, &out)
            case .receiptIssued:
                guard let pem = pemBytes(fields.pem), let receiptUuid = nonEmptyBytes(fields.receiptUuid),
                    let documentNumber = documentNumber(fields.documentNumber), let total = positiveMoney(fields.total)
                else { return false }
                start = SpillEncoder.begin(
                    tag: .receiptIssued, file: file, line: line, terminal: terminal, sale: sale, into: &out)
                if receiptUuid.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) {
                    // Uuids are kept lower-cased (the scan let only ASCII through).
                    SpillEncoder.receiptIssued(
                        at: at, pem: pem, uuid: String(decoding: receiptUuid, as: UTF8.self).lowercased(),
                        documentNumber: documentNumber, total: total, &out)
                } else {
                    SpillEncoder.receiptIssued(
                        at: at, pem: pem, uuid: receiptUuid, documentNumber: documentNumber, total: total, &out)
                }
            case .receiptFailed:
                guard let pem = pemBytes(fields.pem), let reason = spelled(fields.reason, as: ReceiptFailureReason.self)
                else { return false }
                start = SpillEncoder.begin(
                    tag: .receiptFailed, file: file, line: line, terminal: terminal, sale: sale, into: &out)
                SpillEncoder.receiptFailed(at: at, pem: pem, reason: reason, &out)
            case .posStarted:
                return false  // handled above
            }
            SpillEncoder.finish(start, &out)
            return true
        }

        // MARK: Scalars

        @inline(__always)
        func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
        }

        /// A non-empty string's bytes (printable ASCII, checked by the scan).
        func nonEmptyBytes(_ span: Span) -> UnsafeBufferPointer<UInt8>? {
            guard span.kind == .string, span.end > span.start else { return nil }
            return bytes(span)
        }

        /// A PEM serial's bytes (`PEMSerial`).
        func pemBytes(_ span: Span) -> UnsafeBufferPointer<UInt8>? {
            guard span.kind == .string, PEMSerial.isValid(bytes(span)) else { return nil }
            return bytes(span)
        }

        /// `.some(nil)` when missing, nil when present but not a string.
        func optionalBytes(_ span: Span) -> UnsafeBufferPointer<UInt8>?? {
            switch span.kind {
            case .missing: return .some(nil)
            case .string: return .some(bytes(span))
            default: return nil
            }
        }

        func bool(_ span: Span) -> Bool? {
            switch span.kind {
            case .trueLiteral: return true
            case .falseLiteral: return false
            default: return nil
            }
        }

        func optionalBool(_ span: Span) -> Bool?? {
            span.kind == .missing ? .some(nil) : bool(span).map { .some($0) }
        }

        func timestamp(_ span: Span) -> Instant? {
            guard span.kind == .string else { return nil }
            return TimestampParser.parseAbsolute(bytes: bytes(span))
        }

        func positiveMoney(_ span: Span) -> Money? {
            guard span.kind == .string, let money = Money.parse(utf8: bytes(span)), money.cents > 0 else { return nil }
            return money
        }

        /// `Int64(text) >= 0` over a JSON number's text: digits that fit in 64 bits, or `-0`.
        func cents(_ span: Span) -> Money? {
            guard span.kind == .integer else { return nil }
            if base[span.start] == JSONByteCursor.minus {
                // After a minus, the grammar allows only `0` or a non-zero (so negative) value.
                return span.end - span.start == 2 && base[span.start + 1] == JSONByteCursor.zero ? Money(cents: 0) : nil
            }
            var value: Int64 = 0
            for position in span.start..<span.end {
                let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
                let (next, carry) = tens.addingReportingOverflow(Int64(base[position] &- JSONByteCursor.zero))
                guard !overflow, !carry else { return nil }
                value = next
            }
            return value <= Money.largestInput.cents ? Money(cents: value) : nil
        }

        func optionalCents(_ span: Span) -> Money?? {
            span.kind == .missing ? .some(nil) : cents(span).map { .some($0) }
        }

        func documentNumber(_ span: Span) -> UnsafeBufferPointer<UInt8>? {
            switch span.kind {
            case .string where span.end > span.start, .integer, .number: return bytes(span)
            default: return nil
            }
        }

        // The enumerations' raw values, matched on the bytes (`init(rawValue:)` would build a string first).

        /// A case of a `ByteSpelled` enum, by its spelling (`cash`, `purchase`, `timeout`…).
        @inline(__always)
        func spelled<Value: ByteSpelled>(_ span: Span, as type: Value.Type) -> Value? {
            span.kind == .string ? Value.spelled(bytes(span)) : nil
        }

        // MARK: Sale lines

        /// A non-empty array of `{"vat", "gross"}` objects, as `FieldReader.saleLines` reads it.
        func saleLines(_ span: Span) -> [VatAmount]? {
            guard span.kind == .array else { return nil }
            // The array was validated by the scan; this pass reads its objects' keys.
            var scanner = ByteScanner(base: base, end: span.end, index: span.start + 1)
            scanner.skipWhitespace()
            guard scanner.byte != JSONByteCursor.closeBracket else { return nil }
            var lines: [VatAmount] = []
            while true {
                guard scanner.byte == JSONByteCursor.openBrace else { return nil }
                scanner.index += 1
                scanner.skipWhitespace()
                var vat = Span()
                var gross = Span()
                if scanner.byte == JSONByteCursor.closeBrace {
                    scanner.index += 1
                } else {
                    while true {
                        let keyStart = scanner.index + 1
                        guard scanner.byte == JSONByteCursor.quote, scanner.string() else { return nil }
                        let keyLength = scanner.index - 1 - keyStart
                        scanner.skipWhitespace()
                        guard scanner.byte == JSONByteCursor.colon else { return nil }
                        scanner.index += 1
                        scanner.skipWhitespace()
                        guard let value = scanner.span(depth: 4) else { return nil }
                        if keyLength == 3, ByteScanner.matches(base + keyStart, "vat") {
                            vat = value
                        } else if keyLength == 5, ByteScanner.matches(base + keyStart, "gross") {
                            gross = value
                        }
                        guard let closed = scanner.afterElement(closing: JSONByteCursor.closeBrace) else { return nil }
                        if closed { break }
                    }
                }
                guard vat.kind == .string, let code = vatCode(bytes(vat)), let amount = positiveMoney(gross) else {
                    return nil
                }
                lines.append(VatAmount(vat: code, gross: amount))
                guard let closed = scanner.afterElement(closing: JSONByteCursor.closeBracket) else { return nil }
                if closed { return lines }
            }
        }

        /// `VatCode(text)`, with the canonical spellings (`22.00`, `N1`) looked up instead of parsed.
        func vatCode(_ text: UnsafeBufferPointer<UInt8>) -> VatCode? {
            if text.count <= 8 {
                var packed: UInt64 = 0
                for byte in text.reversed() { packed = packed << 8 | UInt64(byte) }
                for entry in Self.canonicalVatCodes where entry.packed == packed && entry.count == text.count {
                    return entry.code
                }
            }
            return VatCode(String(decoding: text, as: UTF8.self))
        }

        /// Every code A-Cube lists, in its canonical spelling, its bytes packed little-end first.
        static let canonicalVatCodes: [(packed: UInt64, count: Int, code: VatCode)] = {
            let common: [Int64] = [2200, 1000, 400, 500]
            let rates = common + VatCode.acubeRates.subtracting(common).sorted()
            let texts = rates.map { Money(cents: $0).description } + (1...6).map { "N\($0)" }
            return texts.compactMap { text in
                guard let code = VatCode(text), text.utf8.count <= 8 else { return nil }
                var packed: UInt64 = 0
                for byte in text.utf8.reversed() { packed = packed << 8 | UInt64(byte) }
                return (packed, text.utf8.count, code)
            }
        }()
    }
}

// MARK: - The top-level object and its spans

extension JSONByteCursor {
    fileprivate init(base: UnsafePointer<UInt8>, end: Int, index: Int = 0) {
        self.init(base: base, end: end, index: index, maximumDepth: PosLineScanner.maximumDepth)
    }

    /// The line: one object, white space around it, its known keys recorded in `fields`.
    fileprivate mutating func topLevelObject(into fields: inout PosLineScanner.Fields) -> Bool {
        skipWhitespace()
        guard byte == JSONByteCursor.openBrace else { return false }
        index += 1
        skipWhitespace()
        // `{}` has no event: the strict path rejects it.
        guard byte == JSONByteCursor.quote else { return false }
        var otherKeys = JSONObjectKeys()
        while true {
            let keyStart = index + 1
            guard string() else { return false }
            let key = Self.posKey(base + keyStart, index - 1 - keyStart)
            let isKnown = key != .other
            if !isKnown {
                guard otherKeys.insert(base, keyStart, index - 1 - keyStart) else { return false }
            }
            skipWhitespace()
            guard byte == JSONByteCursor.colon else { return false }
            index += 1
            skipWhitespace()
            let valueStart = index
            let value: PosLineScanner.Span
            // Strings first, inline: most values are strings.
            if byte == JSONByteCursor.quote {
                guard string() else { return false }
                value = PosLineScanner.Span(kind: .string, start: valueStart + 1, end: index - 1)
            } else {
                guard let other = span(depth: 2) else { return false }
                value = other
            }
            if isKnown {
                guard fields.set(key, value) else { return false }
            }
            guard let closed = afterElement(closing: JSONByteCursor.closeBrace) else { return false }
            if closed { break }
            guard byte == JSONByteCursor.quote else { return false }
        }
        skipWhitespace()
        return index == end
    }

    /// Any value at `index` (no white space before it) as a span, `depth` being its own nesting level.
    @inline(__always)
    fileprivate mutating func span(depth: Int) -> PosLineScanner.Span? {
        let start = index
        switch value(depth: depth) {
        case .string?: return .init(kind: .string, start: start + 1, end: index - 1)
        case .integer?: return .init(kind: .integer, start: start, end: index)
        case .number?: return .init(kind: .number, start: start, end: index)
        case .trueLiteral?: return .init(kind: .trueLiteral, start: start, end: index)
        case .falseLiteral?: return .init(kind: .falseLiteral, start: start, end: index)
        case .null?: return .init(kind: .missing, start: start, end: index)
        case .array?: return .init(kind: .array, start: start, end: index)
        case .object?: return .init(kind: .object, start: start, end: index)
        case nil: return nil
        }
    }

    @inline(__always)
    fileprivate static func posKey(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> PosLineScanner.Key {
        switch count {
        case 2: return matches(pointer, "ts") ? .ts : .other
        case 3: return matches(pointer, "pem") ? .pem : .other
        case 4:
            if matches(pointer, "sale") { return .sale }
            return matches(pointer, "kind") ? .kind : .other
        case 5:
            switch pointer[0] {
            case UInt8(ascii: "e"): return matches(pointer, "event") ? .event : .other
            case UInt8(ascii: "t"): return matches(pointer, "total") ? .total : .other
            case UInt8(ascii: "l"): return matches(pointer, "lines") ? .lines : .other
            default: return .other
            }
        case 6:
            if matches(pointer, "amount") { return .amount }
            return matches(pointer, "reason") ? .reason : .other
        case 7:
            if matches(pointer, "payment") { return .payment }
            return matches(pointer, "success") ? .success : .other
        case 8:
            if matches(pointer, "terminal") { return .terminal }
            return matches(pointer, "posRefId") ? .posRefId : .other
        case 11: return matches(pointer, "receiptUuid") ? .receiptUuid : .other
        case 12: return matches(pointer, "userOverride") ? .userOverride : .other
        case 14: return matches(pointer, "documentNumber") ? .documentNumber : .other
        case 16: return matches(pointer, "hostResponseText") ? .hostResponseText : .other
        default: return .other
        }
    }
}

extension JSONSpan where Kind == PosLineScanner.ValueKind {
    /// A key that was not in the line.
    fileprivate init() { self.init(kind: .missing, start: 0, end: 0) }
}
