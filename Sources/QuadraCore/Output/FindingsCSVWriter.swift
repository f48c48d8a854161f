/// Renders findings as `findings.csv` (formats.md §4): RFC 4180, UTF-8 without BOM, CRLF, formulas defused.
public enum FindingsCSVWriter {
    /// The header row's columns, in order.
    public static let columns = [
        "code", "severity", "pem", "fiscal_day", "terminal", "sale", "pos_ref_id", "receipt_uuid", "amount",
        "detail", "action",
    ]

    /// The whole file: the header, then one row per finding in the order given.
    public static func render(_ findings: [Finding]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + findings.count * 160)
        appendRow(columns.map { Cell.text($0) }, to: &out)
        for index in findings.indices {
            let finding = findings[index]
            appendRow(
                [
                    .text(finding.code.rawValue), .text(finding.severity.description), .text(finding.pem ?? ""),
                    .text(finding.fiscalDay?.description ?? ""), .text(finding.terminal ?? ""),
                    .text(finding.sale ?? ""), .text(finding.posRefId ?? ""), .text(finding.receiptUuid ?? ""),
                    .number(finding.amount?.description ?? ""), .text(finding.detail), .text(finding.code.action),
                ], to: &out)
        }
        return out
    }

    /// A cell's text, `'`-prefixed when it starts like a formula, then quoted when RFC 4180 needs it.
    public static func field(_ text: String, defuse: Bool = true) -> String {
        var bytes: [UInt8] = []
        append(defuse ? .text(text) : .number(text), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A text cell's value as the CSV holds it, before quoting: cleaned (`ReportText.clean`), and `'`-prefixed when
    /// it starts like a formula. `findings.xlsx` writes the same values, so the two files agree cell for cell.
    public static func defused(_ text: String) -> String {
        let cleaned = ReportText.clean(text)
        return startsLikeFormula(text) ? "'" + cleaned : cleaned
    }

    /// Whether a spreadsheet would run `text` as a formula: it starts with `=`, `+`, `-`, `@`, a tab or a CR.
    static func startsLikeFormula(_ text: String) -> Bool {
        switch text.utf8.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }

    // MARK: - Cells

    private enum Cell {
        /// Text a spreadsheet must never run: defused.
        case text(String)
        /// A numeric cell (the amount): written as is, so `-0.05` stays a number.
        case number(String)
    }

    private static func appendRow(_ cells: [Cell], to out: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(cell, to: &out)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    private static func append(_ cell: Cell, to out: inout [UInt8]) {
        let text: String
        var prefix = false
        switch cell {
        case .text(let value):
            text = ReportText.clean(value)
            prefix = startsLikeFormula(value)
        case .number(let value):
            text = value
        }
        var bytes = text
        bytes.withUTF8 { utf8 in
            var needsQuotes = false
            for byte in utf8
            where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A {
                needsQuotes = true
                break
            }
            if needsQuotes { out.append(UInt8(ascii: "\"")) }
            if prefix { out.append(UInt8(ascii: "'")) }
            if needsQuotes {
                for byte in utf8 {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: utf8)
            }
        }
    }
}
