/// Reads an A-Cube receipts page fast when it has the ordinary shape; nil means "take the tree path".
///
/// Whenever it returns a result, the receipts it adds to `data` and the result itself (records read, no
/// diagnostics) are exactly those `AcubeExportReader`'s tree path (`JSONParser`, then `AcubeReceiptDecoder` over
/// `TreeFields`) gives on the same bytes. It returns nil, leaving `data` untouched, whenever the tree path would reject the file or
/// a member, and for anything merely unusual: a backslash escape or a byte at or above 0x80 anywhere, a
/// top-level value that is not an object, a `members` key whose value is not an array, a member that is not an
/// object or that holds an object or an array, nesting deeper than `maximumDepth`, a file of 2 GiB or more.
///
/// One pass validates the JSON (RFC 8259 grammar, white space anywhere it is allowed, lines counted as
/// `JSONParser` counts them) and decodes each member as it ends with the tree path's decoder
/// (`AcubeReceiptDecoder`), from where the value of each of its keys lies (`ScannedFields`). A key repeated in any
/// object (the tree path rejects the file) sends the page there, and so does an object with more than
/// `JSONObjectKeys.capacity` keys (besides a member's known ones). Receipts are added only once the whole page has
/// been read, in page order, through `insertIfAbsent` (a uuid already held, or listed twice, keeps its first
/// receipt).
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
        for (receipt, line) in scanner.receipts {
            data.receipts.insertIfAbsent(receipt, source: SourceLocation(file: displayPath, line: line))
        }
        var result = AcubeExportReader.FileResult()
        result.recordsRead = scanner.receipts.count
        return result
    }
}

extension AcubeReceiptsPageScanner {
    /// The page's scanner: the shared JSON grammar (`JSONByteCursor`, which counts lines), the members read so
    /// far with the line where each starts, and the times read.
    fileprivate struct PageScanner {
        var cursor: JSONByteCursor
        var times: AcubeTimestamps
        var receipts: [(DecodedAcubeReceipt<ScannedText>, line: Int)] = []

        init(base: UnsafePointer<UInt8>, end: Int, timeZone: FiscalTimeZone) {
            cursor = JSONByteCursor(base: base, end: end, maximumDepth: AcubeReceiptsPageScanner.maximumDepth)
            times = AcubeTimestamps(timeZone: timeZone)
        }

        /// The page: one object with a `members` array of receipts, white space around it, no key twice.
        mutating func page() -> Bool {
            cursor.skipWhitespace()
            guard cursor.byte == JSONByteCursor.openBrace else { return false }
            cursor.index += 1
            cursor.skipWhitespace()
            var sawMembers = false
            if cursor.byte == JSONByteCursor.closeBrace {
                return false  // no members: the tree path rejects the page
            }
            var keys = JSONObjectKeys()
            while true {
                guard cursor.byte == JSONByteCursor.quote else { return false }
                let keyStart = cursor.index + 1
                guard cursor.string(), keys.insert(cursor.base, keyStart, cursor.index - 1 - keyStart) else {
                    return false
                }
                let isMembers =
                    cursor.index - 1 - keyStart == 7 && JSONByteCursor.matches(cursor.base + keyStart, "members")
                cursor.skipWhitespace()
                guard cursor.byte == JSONByteCursor.colon else { return false }
                cursor.index += 1
                cursor.skipWhitespace()
                if isMembers {
                    guard cursor.byte == JSONByteCursor.openBracket, members() else { return false }
                    sawMembers = true
                } else {
                    guard cursor.value(depth: 2) != nil else { return false }
                }
                guard let closed = cursor.afterElement(closing: JSONByteCursor.closeBrace) else { return false }
                if closed { break }
            }
            cursor.skipWhitespace()
            return sawMembers && cursor.index == cursor.end
        }

        /// The `members` array at its opening bracket, each member decoded into `receipts`.
        mutating func members() -> Bool {
            cursor.index += 1
            cursor.skipWhitespace()
            if cursor.byte == JSONByteCursor.closeBracket {
                cursor.index += 1
                return true
            }
            receipts.reserveCapacity(1000)
            while true {
                guard cursor.byte == JSONByteCursor.openBrace else { return false }
                let line = cursor.line
                var fields = ScannedFields<AcubeReceiptDecoder.Key>(base: cursor.base)
                // A member holds no array or object: one that does is left to the tree path.
                guard cursor.object(into: &fields, depth: 3, containers: false) else { return false }
                do {
                    receipts.append((try AcubeReceiptDecoder.decode(fields, times: &times), line))
                } catch {
                    return false
                }
                guard let closed = cursor.afterElement(closing: JSONByteCursor.closeBracket) else { return false }
                if closed { return true }
            }
        }
    }
}
