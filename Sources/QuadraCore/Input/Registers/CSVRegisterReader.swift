import Foundation

/// Reads an emergency register kept as CSV (formats.md §1.3): one `RegisterEntry` per good row, one
/// `Diagnostic` per bad row, and a whole-file diagnostic when the header lacks a required column.
public enum CSVRegisterReader {
    /// The columns every register must name, in the contract's order.
    public static let requiredColumns = ["pem", "recorded_at", "sale", "payment", "vat_rate_code", "gross"]

    /// Reads the register at `url`; `displayPath` (relative to the night) goes in every location.
    /// Throws `FileReadError` only when the file cannot be opened or read.
    public static func read(
        url: URL, displayPath: String, timeZone: FiscalTimeZone
    ) throws -> (result: RegisterReadResult, sha256: String, bytes: Int64) {
        let bytes = try POSIXFile.readAll(url: url)
        let result = parse(bytes, displayPath: displayPath, timeZone: timeZone)
        return (result, SHA256.hexDigest(of: bytes), Int64(bytes.count))
    }

    /// Parses register bytes already in memory.
    public static func parse(_ bytes: [UInt8], displayPath: String, timeZone: FiscalTimeZone) -> RegisterReadResult {
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
            var reader = Reader(buffer: buffer, start: start, displayPath: displayPath, timeZone: timeZone)
            reader.run()
            return reader.result
        }
    }
}

// MARK: - The reading itself

extension CSVRegisterReader {
    /// Column positions of the required columns in the header.
    private struct Columns {
        var pem = 0
        var recordedAt = 0
        var sale = 0
        var payment = 0
        var vatRateCode = 0
        var gross = 0
    }

    private struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        let start: Int
        let displayPath: String
        let timeZone: FiscalTimeZone
        var result = RegisterReadResult()

        init(buffer: UnsafeBufferPointer<UInt8>, start: Int, displayPath: String, timeZone: FiscalTimeZone) {
            self.buffer = buffer
            self.start = start
            self.displayPath = displayPath
            self.timeZone = timeZone
        }

        mutating func run() {
            guard let headerStart = firstNonBlankLine() else {
                rejectFile(
                    line: nil,
                    "no header row: expected a header naming \(CSVRegisterReader.columnList), found an empty file")
                return
            }
            let delimiter = detectDelimiter(from: headerStart.position, line: headerStart.line)
            var parser = CSVRowParser(
                bytes: buffer, delimiter: delimiter, position: headerStart.position, line: headerStart.line)
            let headerRow = parser.next()
            guard case .fields(let headerLine, let headerSpan) = headerRow else {
                if case .malformed(let line, let message) = headerRow {
                    rejectFile(line: line, "bad header: \(message)")
                }
                countRemainingRows(&parser)
                return
            }
            let names = parser.fields.map { parser.string(of: $0) }
            let headerText = Self.excerpt(
                String(decoding: UnsafeBufferPointer(rebasing: buffer[headerSpan]), as: UTF8.self))
            guard let columns = locateColumns(names, headerLine: headerLine, headerText: headerText) else {
                countRemainingRows(&parser)
                return
            }
            let width = names.count
            rows: while true {
                switch parser.next() {
                case .end:
                    break rows
                case .blank:
                    continue
                case .malformed(let line, let message):
                    result.recordsRead += 1
                    reject(line: line, message)
                case .fields(let line, _):
                    result.recordsRead += 1
                    readRow(parser, line: line, width: width, columns: columns, names: names)
                }
            }
        }

        /// After a whole-file rejection, counts the rows that were not read, so the report can say how many.
        private mutating func countRemainingRows(_ parser: inout CSVRowParser) {
            while true {
                switch parser.next() {
                case .end: return
                case .blank: continue
                case .malformed, .fields: result.recordsRead += 1
                }
            }
        }

        // MARK: Header

        /// The position and number of the first line that holds more than blanks.
        private func firstNonBlankLine() -> (position: Int, line: Int)? {
            var position = start
            var line = 1
            var lineStart = start
            while position < buffer.count {
                let byte = buffer[position]
                if byte == 0x0A {
                    line += 1
                    lineStart = position + 1
                } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                    return (lineStart, line)
                }
                position += 1
            }
            return nil
        }

        /// `;` when the header splits into more required names with it (or, on a tie, when its first line
        /// holds more `;` than `,`), else `,`.
        private func detectDelimiter(from position: Int, line: Int) -> UInt8 {
            func score(_ delimiter: UInt8) -> (Int, Int) {
                var occurrences = 0
                var index = position
                while index < buffer.count && buffer[index] != 0x0A {
                    if buffer[index] == delimiter { occurrences += 1 }
                    index += 1
                }
                var parser = CSVRowParser(bytes: buffer, delimiter: delimiter, position: position, line: line)
                guard case .fields = parser.next() else { return (0, occurrences) }
                let names = Set(parser.fields.map { parser.string(of: $0) })
                return (CSVRegisterReader.requiredColumns.filter(names.contains).count, occurrences)
            }
            let comma = score(UInt8(ascii: ","))
            let semicolon = score(UInt8(ascii: ";"))
            return semicolon > comma ? UInt8(ascii: ";") : UInt8(ascii: ",")
        }

        private mutating func locateColumns(_ names: [String], headerLine: Int, headerText: String) -> Columns? {
            var positions: [String: Int] = [:]
            for (index, name) in names.enumerated() where CSVRegisterReader.requiredColumns.contains(name) {
                if positions[name] != nil {
                    rejectFile(
                        line: headerLine,
                        "column \(name) appears twice in the header: expected each of \(CSVRegisterReader.columnList) "
                            + "once, found \"\(headerText)\"")
                    return nil
                }
                positions[name] = index
            }
            let missing = CSVRegisterReader.requiredColumns.filter { positions[$0] == nil }
            guard missing.isEmpty else {
                let label = missing.count == 1 ? "missing column" : "missing columns"
                rejectFile(
                    line: headerLine,
                    "\(label) \(missing.joined(separator: ", ")): expected a header naming "
                        + "\(CSVRegisterReader.columnList) (in any order), found \"\(headerText)\"")
                return nil
            }
            var columns = Columns()
            columns.pem = positions["pem"] ?? 0
            columns.recordedAt = positions["recorded_at"] ?? 0
            columns.sale = positions["sale"] ?? 0
            columns.payment = positions["payment"] ?? 0
            columns.vatRateCode = positions["vat_rate_code"] ?? 0
            columns.gross = positions["gross"] ?? 0
            return columns
        }

        // MARK: Rows

        private mutating func readRow(
            _ parser: CSVRowParser, line: Int, width: Int, columns: Columns, names: [String]
        ) {
            let fields = parser.fields
            guard fields.count == width else {
                let noun = fields.count == 1 ? "field" : "fields"
                reject(line: line, "row has \(fields.count) \(noun), expected \(width) (the header's)")
                return
            }
            for (index, field) in fields.enumerated() {
                if let bad = parser.withValue(of: field, Self.firstInvalidUTF8Byte) {
                    reject(
                        line: line,
                        "invalid UTF-8 in column \(names[index]): expected UTF-8 text, found the byte "
                            + "0x\(Self.hexByte(bad)); save the file as UTF-8")
                    return
                }
            }
            let pem = parser.string(of: fields[columns.pem])
            guard !pem.isEmpty else {
                reject(line: line, "missing pem: expected the PEM serial number like E001-000001, found an empty field")
                return
            }
            guard PEMSerial.isValid(pem) else {
                reject(line: line, PEMSerial.rejection(of: pem, in: "pem"))
                return
            }
            let recordedAtText = parser.withValue(of: fields[columns.recordedAt]) { Array($0) }
            guard let timestamp = TimestampParser.parse(bytes: recordedAtText) else {
                reject(
                    line: line,
                    "bad recorded_at: expected a time like 2026-11-21T19:02:00+01:00 or 2026-11-21 19:02, "
                        + "found \"\(Self.excerpt(String(decoding: recordedAtText, as: UTF8.self)))\"")
                return
            }
            let saleText = parser.string(of: fields[columns.sale])
            let paymentText = parser.string(of: fields[columns.payment])
            guard let payment = PaymentMethod(rawValue: paymentText.lowercased()) else {
                reject(
                    line: line,
                    "bad payment: expected cash, electronic or ticket, found \"\(Self.excerpt(paymentText))\"")
                return
            }
            let vatText = parser.string(of: fields[columns.vatRateCode])
            guard let vat = VatCode(vatText) else {
                reject(
                    line: line,
                    "bad vat_rate_code: expected a rate A-Cube lists like 22.00 or a natura code N1 to N6, "
                        + "found \"\(Self.excerpt(vatText))\"")
                return
            }
            let grossField = fields[columns.gross]
            guard let gross = parser.withValue(of: grossField, { Money.parse(utf8: $0, allowComma: true) }),
                gross > .zero
            else {
                reject(
                    line: line,
                    "bad gross: expected a decimal amount above zero like 12.50 or 12,50, "
                        + "found \"\(Self.excerpt(parser.string(of: grossField)))\"")
                return
            }
            let instant = timeZone.instant(of: timestamp)
            result.entries.append(
                RegisterEntry(
                    pem: pem, recordedAt: instant, fiscalDay: timeZone.fiscalDay(of: instant),
                    sale: saleText.isEmpty ? nil : saleText, payment: payment,
                    lines: [VatAmount(vat: vat, gross: gross)],
                    source: SourceLocation(file: displayPath, line: line)))
        }

        // MARK: Diagnostics

        private mutating func reject(line: Int, _ message: String) {
            result.diagnostics.append(
                Diagnostic(location: SourceLocation(file: displayPath, line: line), message: message))
        }

        private mutating func rejectFile(line: Int?, _ message: String) {
            result.diagnostics.append(
                Diagnostic(location: SourceLocation(file: displayPath, line: line), message: message, wholeFile: true))
        }

        /// Text for a message: line breaks shown as `\n`, at most 60 characters.
        static func excerpt(_ text: String) -> String {
            var shown = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            if shown.count > 60 { shown = String(shown.prefix(60)) + "…" }
            return shown
        }

        static func hexByte(_ byte: UInt8) -> String {
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }

        /// The first byte that breaks UTF-8 (bad lead, bad continuation, overlong, surrogate, > U+10FFFF).
        static func firstInvalidUTF8Byte(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
            var index = 0
            let n = bytes.count
            while index < n {
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let length: Int
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0:
                    length = 3
                    low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED:
                    length = 3
                    high = 0x9F
                case 0xF0:
                    length = 4
                    low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4:
                    length = 4
                    high = 0x8F
                default: return lead
                }
                guard index + length <= n else { return lead }
                let second = bytes[index + 1]
                guard second >= low && second <= high else { return lead }
                for offset in 2..<max(length, 2) where bytes[index + offset] & 0xC0 != 0x80 {
                    return lead
                }
                index += length
            }
            return nil
        }
    }

    /// `pem, recorded_at, sale, payment, vat_rate_code and gross`.
    static var columnList: String {
        requiredColumns.dropLast().joined(separator: ", ") + " and " + (requiredColumns.last ?? "")
    }
}
