/// A byte-level RFC 4180 row parser over a buffer held by the caller: fields come out as ranges, so a row
/// costs no allocation beyond the reused `fields` array.
///
/// Rows end at LF or CRLF outside quotes; quoted fields may hold the delimiter, `""` and line breaks;
/// blanks around unquoted fields are trimmed. A malformed row is reported and parsing resumes on the next
/// physical line.
struct CSVRowParser {
    /// What `next()` found.
    enum Row: Equatable {
        /// A row whose fields are in `fields`; `line` is where it starts, `span` its raw bytes (no line end).
        case fields(line: Int, span: Range<Int>)
        /// A line with nothing on it but blanks.
        case blank(line: Int)
        /// A row that breaks the quoting rules; `message` says how.
        case malformed(line: Int, message: String)
        /// The end of the buffer.
        case end
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    /// Where the next row starts.
    private(set) var position: Int
    /// The physical line (1-based) at `position`.
    private(set) var line: Int
    /// The fields of the last row returned as `.fields`.
    private(set) var fields: [CSVField] = []

    private static let quote = UInt8(ascii: "\"")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D
    private static let space = UInt8(ascii: " ")
    private static let tab: UInt8 = 0x09

    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, position: Int = 0, line: Int = 1) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.position = position
        self.line = line
        fields.reserveCapacity(16)
    }

    // MARK: - Rows

    /// Parses the row at `position` and moves past it.
    mutating func next() -> Row {
        let n = bytes.count
        guard position < n else { return .end }
        let startLine = line
        let rowStart = position
        fields.removeAll(keepingCapacity: true)
        var p = position
        while true {
            while p < n && Self.isBlank(bytes[p]) { p += 1 }
            var field: CSVField
            if p < n && bytes[p] == Self.quote {
                p += 1
                let contentStart = p
                var doubled = false
                var lineInside = line
                while true {
                    guard p < n else {
                        skipLine(from: rowStart, lineAtStart: startLine)
                        return .malformed(
                            line: startLine,
                            message: "unterminated quoted field: expected a closing \" before the end of the file")
                    }
                    let byte = bytes[p]
                    if byte == Self.quote {
                        if p + 1 < n && bytes[p + 1] == Self.quote {
                            doubled = true
                            p += 2
                            continue
                        }
                        break
                    }
                    if byte == Self.lf { lineInside += 1 }
                    p += 1
                }
                line = lineInside
                field = CSVField(start: contentStart, end: p, quoted: true, hasDoubledQuotes: doubled)
                p += 1
                while p < n && Self.isBlank(bytes[p]) { p += 1 }
                if p < n && bytes[p] != delimiter && bytes[p] != Self.lf
                    && !(bytes[p] == Self.cr && (p + 1 == n || bytes[p + 1] == Self.lf))
                {
                    let found = Self.describe(byte: bytes[p])
                    skipLine(from: p, lineAtStart: line)
                    return .malformed(
                        line: startLine,
                        message: "bad quoting: expected the delimiter or the end of the row after a closing quote, "
                            + "found \(found)")
                }
            } else {
                let contentStart = p
                while p < n && bytes[p] != delimiter && bytes[p] != Self.lf { p += 1 }
                var end = p
                if p == n || bytes[p] == Self.lf {
                    while end > contentStart && (Self.isBlank(bytes[end - 1]) || bytes[end - 1] == Self.cr) { end -= 1 }
                } else {
                    while end > contentStart && Self.isBlank(bytes[end - 1]) { end -= 1 }
                }
                field = CSVField(start: contentStart, end: end, quoted: false, hasDoubledQuotes: false)
            }
            fields.append(field)
            if p >= n {
                position = n
                return finishRow(startLine: startLine, span: rowStart..<n)
            }
            if bytes[p] == delimiter {
                p += 1
                continue
            }
            // A line end: LF, or CR LF, or a CR that ends the buffer.
            let spanEnd = p
            if bytes[p] == Self.cr { p += 1 }
            if p < n {
                p += 1
                line += 1
            }
            position = p
            return finishRow(startLine: startLine, span: rowStart..<spanEnd)
        }
    }

    private func finishRow(startLine: Int, span: Range<Int>) -> Row {
        var span = span
        if span.upperBound > span.lowerBound && bytes[span.upperBound - 1] == Self.cr {
            span = span.lowerBound..<(span.upperBound - 1)
        }
        if fields.count == 1, let only = fields.first, !only.quoted, only.start == only.end {
            return .blank(line: startLine)
        }
        return .fields(line: startLine, span: span)
    }

    /// Moves to the start of the physical line after the one holding `index`.
    private mutating func skipLine(from index: Int, lineAtStart: Int) {
        var p = index
        while p < bytes.count && bytes[p] != Self.lf { p += 1 }
        if p < bytes.count {
            position = p + 1
            line = lineAtStart + 1
        } else {
            position = bytes.count
            line = lineAtStart
        }
    }

    // MARK: - Values

    /// Calls `body` with the content of `field`, `""` pairs turned into `"`.
    func withValue<R>(of field: CSVField, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.hasDoubledQuotes else { return try body(raw) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            unescaped.append(raw[index])
            index += raw[index] == Self.quote ? 2 : 1
        }
        return try unescaped.withUnsafeBufferPointer { try body($0) }
    }

    /// The content of `field` as text (invalid UTF-8 replaced).
    func string(of field: CSVField) -> String {
        withValue(of: field) { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: - Helpers

    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    private static func describe(byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "\"" + String(UnicodeScalar(byte)) + "\"" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "the byte 0x" + (hex.count == 1 ? "0" : "") + hex
    }
}
