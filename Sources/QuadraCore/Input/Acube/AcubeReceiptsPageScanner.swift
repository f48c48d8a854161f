/// Reads an A-Cube receipts page fast when it has the ordinary shape; nil means "take the tree path".
///
/// Whenever it returns a result, the receipts it adds to `data` and the result itself (records read, no
/// diagnostics) are exactly those `AcubeExportReader`'s tree path (`JSONParser`, then `LenientFields`) gives
/// on the same bytes. It returns nil, leaving `data` untouched, whenever the tree path would reject the file or
/// a member, and for anything merely unusual: a backslash escape or a byte at or above 0x80 anywhere, a
/// top-level value that is not an object, a `members` key whose value is not an array, a member that is not an
/// object or that holds an object or an array, nesting deeper than `maximumDepth`, a file of 2 GiB or more.
///
/// One pass validates the JSON (RFC 8259 grammar, white space anywhere it is allowed, lines counted as
/// `JSONParser` counts them) and decodes each member as it ends, from where the value of each known key lies. A key
/// repeated in any object (the tree path rejects the file) sends the page there, and so does an object with more
/// than `JSONObjectKeys.capacity` keys (besides a member's known ones). A member's text fields read
/// as `LenientFields.optionalText` does: a non-empty string or a number's text; null, `true`, `false` and `""`
/// count as missing. Receipts are added only once the whole page has been read, in page order, through
/// `insertIfAbsent` (a uuid already held, or listed twice, keeps its first receipt).
enum AcubeReceiptsPageScanner {
    /// Nesting beyond this (the page's object is level 1) sends the page to the tree path.
    static let maximumDepth = 64

    /// Reads an A-Cube receipts page fast when it has the ordinary shape; nil means "take the tree path".
    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, displayPath: String, timeZone: FiscalTimeZone, into data: inout AcubeData
    ) -> AcubeExportReader.FileResult? {
        guard let base = bytes.baseAddress, bytes.count < Int32.max else { return nil }
        var scanner = PageScanner(base: base, end: bytes.count, timeZone: timeZone)
        guard scanner.page() else { return nil }
        for pending in scanner.receipts {
            pending.insert(base: base, file: displayPath, into: &data.receipts)
        }
        var result = AcubeExportReader.FileResult()
        result.recordsRead = scanner.receipts.count
        return result
    }
}

extension AcubeReceiptsPageScanner {
    // MARK: - Spans and decoded members

    /// What a member's value is, as `LenientFields.optionalText` sees it.
    fileprivate enum ValueKind: UInt8 {
        /// The key is absent.
        case missing
        case string
        case number
        /// `null`, `true` or `false`: no text.
        case literal
    }

    /// Where a member's value lies: a string's bytes between its quotes, a number's text.
    fileprivate typealias Span = JSONSpan<ValueKind>

    /// A member, decoded: its text fields are still spans of the page, turned into strings once the page is read.
    fileprivate struct PendingReceipt {
        var uuid: Span
        var kind: AcubeReceipt.Kind
        var totalAmount: Money?
        /// `.missing` when there is no document number.
        var documentNumber: Span
        var documentAt: Instant
        /// `.missing` when there is no parent.
        var parentUuid: Span
        var line: Int

        /// Adds the receipt as `insertIfAbsent(_:)` adds the tree path's, without building its uuid's text when
        /// the uuid is canonical.
        func insert(base: UnsafePointer<UInt8>, file: String, into table: inout AcubeReceiptTable) {
            let uuidBytes = UnsafeBufferPointer(start: base + uuid.start, count: uuid.end - uuid.start)
            // `key(uuid.lowercased())`: lowering first and keying lower-case digits is keying either case.
            let identity: AcubeReceiptTable.Identity =
                if let key = AcubeReceiptTable.key(utf8: uuidBytes, ignoringCase: true) {
                    .canonical(key)
                } else {
                    .text(Self.lowercasedText(base, uuid))
                }
            table.insertIfAbsent(
                identity, kind: kind, totalAmount: totalAmount,
                documentNumber: documentNumber.hasText ? Self.text(base, documentNumber) : nil, documentAt: documentAt,
                parentUuid: parentUuid.hasText ? Self.lowercasedText(base, parentUuid) : nil,
                source: SourceLocation(file: file, line: line))
        }

        /// The span's bytes as a string: printable ASCII, checked by the scan.
        static func text(_ base: UnsafePointer<UInt8>, _ span: Span) -> String {
            String(decoding: UnsafeBufferPointer(start: base + span.start, count: span.end - span.start), as: UTF8.self)
        }

        /// `text(…).lowercased()`, which for ASCII lowers A to Z only.
        static func lowercasedText(_ base: UnsafePointer<UInt8>, _ span: Span) -> String {
            let bytes = UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
            guard bytes.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            return String(decoding: bytes.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
    }

    /// `TimestampParser.parse` then `FiscalTimeZone.instant(of:)`, remembering the last date read and the last run
    /// of one offset: most times of a page share both, and then cost neither a date computation nor a search.
    fileprivate struct DocumentTimes {
        let timeZone: FiscalTimeZone
        /// The first ten bytes of the last local time parsed (a valid `YYYY-MM-DD`), its date and that day's
        /// first millisecond read as UTC; `dayBytes.0` is 0 while there is none.
        var dayBytes: (UInt64, UInt16) = (0, 0)
        var day = FiscalDay(year: 1970, month: 1, day: 1)
        var dayMillis: Int64 = 0
        /// Local times (read as UTC, in milliseconds) from `low` to `high` are `offsetMillis` ahead of their instant.
        var low: Int64 = 1
        var high: Int64 = 0
        var offsetMillis: Int64 = 0

        init(timeZone: FiscalTimeZone) { self.timeZone = timeZone }

        /// The instant of a `document_datetime` text; nil where `TimestampParser` refuses it.
        mutating func instant(_ text: UnsafeBufferPointer<UInt8>) -> Instant? {
            // `YYYY-MM-DDTHH:MM:SS` on the last date: what `TimestampParser` reads, without its date checks.
            if text.count == 19, let base = text.baseAddress, Self.dayBytes(base) == dayBytes,
                text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: "t") || text[10] == UInt8(ascii: " "),
                text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
                let hour = TimestampParser.number(text, 11, 2), let minute = TimestampParser.number(text, 14, 2),
                let second = TimestampParser.number(text, 17, 2), hour < 24, minute < 60, second < 60
            {
                let civil = CivilDateTime(
                    year: day.year, month: day.month, day: day.day, hour: hour, minute: minute, second: second)
                let asUTC = dayMillis + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000
                return instant(local: civil, asUTC: asUTC)
            }
            switch TimestampParser.parse(bytes: text) {
            case .absolute(let instant)?:
                return instant
            case .local(let civil)?:
                if let base = text.baseAddress {
                    // The parser read a valid date from these ten bytes.
                    dayBytes = Self.dayBytes(base)
                    day = civil.date
                    dayMillis = Int64(civil.date.daysSinceEpoch) * 86_400_000
                }
                return instant(local: civil, asUTC: civil.millisAsUTC)
            case nil:
                return nil
            }
        }

        /// `timeZone.instant(forLocal: civil)`, `asUTC` being `civil.millisAsUTC`.
        mutating func instant(local civil: CivilDateTime, asUTC: Int64) -> Instant {
            if asUTC >= low, asUTC <= high { return Instant(millis: asUTC - offsetMillis) }
            if let run = timeZone.offsetRun(at: Instant(millis: asUTC)) {
                // `instant(forLocal:)` asks for the offsets 12 hours either side of `asUTC` and at `asUTC` less an
                // offset: when they all fall in one run of offset `o`, it gives `asUTC - o`.
                let margin = max(12 * 3_600_000, Int64(run.offset.magnitude) * 1000)
                low = run.start * 1000 + margin
                high = run.end * 1000 - 1 - margin
                offsetMillis = Int64(run.offset) * 1000
            }
            return timeZone.instant(forLocal: civil)
        }

        /// The first ten bytes at `base` (the caller checked there are enough).
        @inline(__always)
        static func dayBytes(_ base: UnsafePointer<UInt8>) -> (UInt64, UInt16) {
            let raw = UnsafeRawPointer(base)
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        }
    }

    // MARK: - The pass

    /// The page's scanner: the shared JSON grammar (`JSONByteCursor`, which counts lines), the members read so
    /// far, and the cache of document times.
    fileprivate struct PageScanner {
        var cursor: JSONByteCursor
        var documentTimes: DocumentTimes
        var receipts: [PendingReceipt] = []

        init(base: UnsafePointer<UInt8>, end: Int, timeZone: FiscalTimeZone) {
            cursor = JSONByteCursor(base: base, end: end, maximumDepth: AcubeReceiptsPageScanner.maximumDepth)
            documentTimes = DocumentTimes(timeZone: timeZone)
        }

        // The cursor's state and grammar, under the names the page rules below use.
        var base: UnsafePointer<UInt8> { cursor.base }
        var end: Int { cursor.end }
        /// The 1-based line of `index`.
        var line: Int { cursor.line }
        var index: Int {
            @inline(__always) get { cursor.index }
            @inline(__always) set { cursor.index = newValue }
        }
        @inline(__always) var byte: UInt8 { cursor.byte }
        @inline(__always) mutating func skipWhitespace() { cursor.skipWhitespace() }
        @inline(__always) mutating func string() -> Bool { cursor.string() }
        @inline(__always) mutating func number() -> Bool { cursor.number() != nil }
        @inline(__always) mutating func value(depth: Int) -> Bool { cursor.value(depth: depth) != nil }
        @inline(__always) mutating func afterElement(closing close: UInt8) -> Bool? {
            cursor.afterElement(closing: close)
        }
        @inline(__always) static func matches(_ pointer: UnsafePointer<UInt8>, _ text: StaticString) -> Bool {
            JSONByteCursor.matches(pointer, text)
        }
        @inline(__always) static func matchesIgnoringCase(_ pointer: UnsafePointer<UInt8>, _ text: StaticString) -> Bool
        {
            JSONByteCursor.matchesIgnoringCase(pointer, text)
        }

        /// `true`, `false` or `null`.
        mutating func literal() -> Bool {
            switch byte {
            case UInt8(ascii: "t"): return cursor.literal("true")
            case UInt8(ascii: "f"): return cursor.literal("false")
            default: return cursor.literal("null")
            }
        }

        /// The page: one object with a `members` array of receipts, white space around it, no key twice.
        mutating func page() -> Bool {
            skipWhitespace()
            guard byte == JSONByteCursor.openBrace else { return false }
            index += 1
            skipWhitespace()
            var sawMembers = false
            if byte == JSONByteCursor.closeBrace {
                return false  // no members: the tree path rejects the page
            }
            var keys = JSONObjectKeys()
            while true {
                guard byte == JSONByteCursor.quote else { return false }
                let keyStart = index + 1
                guard string(), keys.insert(base, keyStart, index - 1 - keyStart) else { return false }
                let isMembers = index - 1 - keyStart == 7 && Self.matches(base + keyStart, "members")
                skipWhitespace()
                guard byte == JSONByteCursor.colon else { return false }
                index += 1
                skipWhitespace()
                if isMembers {
                    guard byte == JSONByteCursor.openBracket else { return false }
                    guard members() else { return false }
                    sawMembers = true
                } else {
                    guard value(depth: 2) else { return false }
                }
                guard let closed = afterElement(closing: JSONByteCursor.closeBrace) else { return false }
                if closed { break }
            }
            skipWhitespace()
            return sawMembers && index == end
        }

        /// The `members` array at its opening bracket, each member decoded into `receipts`.
        mutating func members() -> Bool {
            index += 1
            skipWhitespace()
            if byte == JSONByteCursor.closeBracket {
                index += 1
                return true
            }
            receipts.reserveCapacity(1000)
            while true {
                guard byte == JSONByteCursor.openBrace, let receipt = member() else { return false }
                receipts.append(receipt)
                guard let closed = afterElement(closing: JSONByteCursor.closeBracket) else { return false }
                if closed { return true }
            }
        }

        /// One member at its opening brace, decoded as `AcubeExportReader` decodes a receipt; nil wherever that
        /// throws, and for a member holding an object or an array.
        mutating func member() -> PendingReceipt? {
            let memberLine = line
            index += 1
            skipWhitespace()
            var uuid = Span()
            var type = Span()
            var totalAmount = Span()
            var documentNumber = Span()
            var documentDatetime = Span()
            var parentUuid = Span()
            // `{}` has no uuid: the tree path rejects it.
            guard byte == JSONByteCursor.quote else { return nil }
            // The known keys read so far, a bit each; the other keys.
            var seen: UInt8 = 0
            var otherKeys = JSONObjectKeys()
            while true {
                let keyStart = index + 1
                guard string() else { return nil }
                let keyLength = index - 1 - keyStart
                skipWhitespace()
                guard byte == JSONByteCursor.colon else { return nil }
                index += 1
                skipWhitespace()
                let valueStart = index
                let span: Span
                switch byte {
                case JSONByteCursor.quote:
                    guard string() else { return nil }
                    span = Span(kind: .string, start: valueStart + 1, end: index - 1)
                case JSONByteCursor.minus, JSONByteCursor.zero...UInt8(ascii: "9"):
                    guard number() else { return nil }
                    span = Span(kind: .number, start: valueStart, end: index)
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    guard literal() else { return nil }
                    span = Span(kind: .literal, start: valueStart, end: index)
                default:
                    return nil
                }
                let key = base + keyStart
                let bit: UInt8
                switch keyLength {
                case 4 where Self.matches(key, "uuid"):
                    uuid = span
                    bit = 1
                case 4 where Self.matches(key, "type"):
                    type = span
                    bit = 2
                case 12 where Self.matches(key, "total_amount"):
                    totalAmount = span
                    bit = 4
                case 15 where Self.matches(key, "document_number"):
                    documentNumber = span
                    bit = 8
                case 17 where Self.matches(key, "document_datetime"):
                    documentDatetime = span
                    bit = 16
                case 19 where Self.matches(key, "parent_receipt_uuid"):
                    parentUuid = span
                    bit = 32
                default:
                    guard otherKeys.insert(base, keyStart, keyLength) else { return nil }
                    bit = 0
                }
                guard seen & bit == 0 else { return nil }
                seen |= bit
                guard let closed = afterElement(closing: JSONByteCursor.closeBrace) else { return nil }
                if closed { break }
                guard byte == JSONByteCursor.quote else { return nil }
            }
            // The tree path's order of checks does not matter here: any failure sends the page there.
            guard uuid.hasText, let kind = kind(type), documentDatetime.hasText,
                let documentAt = documentTimes.instant(bytes(documentDatetime))
            else { return nil }
            var total: Money?
            if totalAmount.hasText {
                guard let money = Money.parse(utf8: bytes(totalAmount)) else { return nil }
                total = money
            }
            return PendingReceipt(
                uuid: uuid, kind: kind, totalAmount: total, documentNumber: documentNumber,
                documentAt: documentAt, parentUuid: parentUuid, line: memberLine)
        }

        @inline(__always)
        func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
        }

        /// `AcubeReceipt.Kind(rawValue: text.lowercased())` over a `type` text; nil when missing or unknown.
        func kind(_ span: Span) -> AcubeReceipt.Kind? {
            guard span.kind == .string else { return nil }  // a number's text names no kind
            let pointer = base + span.start
            switch span.end - span.start {
            case 4 where Self.matchesIgnoringCase(pointer, "sale"): return .sale
            case 4 where Self.matchesIgnoringCase(pointer, "void"): return .void
            case 6 where Self.matchesIgnoringCase(pointer, "return"): return .return
            default: return nil
            }
        }
    }
}

extension JSONSpan where Kind == AcubeReceiptsPageScanner.ValueKind {
    /// A key that was not in the member.
    fileprivate init() { self.init(kind: .missing, start: 0, end: 0) }

    /// Whether `LenientFields.optionalText` gives a text: a non-empty string, or a number.
    @inline(__always)
    fileprivate var hasText: Bool { kind == .number || (kind == .string && end32 > start32) }
}
