import QuadraCore

/// One worksheet of a workbook: typed cells under a header row that is bold, frozen and auto-filtered, columns as
/// wide as their content (within a cap), and an optional bold total row below the filtered range. Never a formula.
struct WorkbookSheet: Sendable {
    struct Column: Sendable {
        var header: String
        /// The widest the column gets, in characters.
        var widthCap: Int
    }

    /// A cell's value and how it is shown.
    enum Cell: Sendable {
        /// No cell at all (an empty field in the CSV).
        case empty
        /// An inline string, exactly as given (the caller defuses what needs it).
        case text(String)
        /// Euros with two decimals, a number shown as `1,234.50 €` in the reader's separators.
        case euros(Int128)
        /// A date serial number shown as `yyyy-mm-dd`.
        case date(FiscalDay)
        /// A whole number shown with thousands separators.
        case count(Int)
    }

    /// The most rows a worksheet holds (Excel's limit), the header included.
    static let maximumRows = 1_048_576
    /// The most characters a cell holds (Excel's limit): a longer text is cut, and ends with `…`.
    static let maximumTextLength = 32_767

    var name: String
    var columns: [Column]
    var rowCount: Int
    /// The cells of data row `index` (0-based), one per column.
    var row: @Sendable (Int) -> [Cell]
    /// A last row, bold, outside the filter.
    var total: [Cell]?

    /// The header and the data rows: the auto-filter's range, `A1:K151`.
    var filterRange: String { "A1:" + Self.columnName(columns.count - 1) + String(rowCount + 1) }

    /// The filter's range as a defined name's formula: `'Findings 2'!$A$1:$K$151`.
    var filterDefinition: String {
        let quoted = name.allSatisfy { $0.isLetter || $0.isNumber } ? name : "'" + name + "'"
        return quoted + "!$A$1:$" + Self.columnName(columns.count - 1) + "$" + String(rowCount + 1)
    }

    /// Writes the worksheet part (`xl/worksheets/sheetN.xml`), row by row.
    func write(to xml: XMLPartWriter, selected: Bool) throws {
        precondition(rowCount + 1 + (total == nil ? 0 : 1) <= Self.maximumRows, "too many rows for one sheet")
        let lastRow = rowCount + 1 + (total == nil ? 0 : 1)
        try xml.startElement("worksheet")
        try xml.attribute("xmlns", WorkbookXMLWriter.mainNamespace)
        try xml.emptyElement("dimension", ["ref": "A1:" + Self.columnName(columns.count - 1) + String(lastRow)])
        try xml.startElement("sheetViews")
        try xml.startElement("sheetView")
        if selected { try xml.attribute("tabSelected", "1") }
        try xml.attribute("workbookViewId", "0")
        try xml.emptyElement(
            "pane", ["ySplit": "1", "topLeftCell": "A2", "activePane": "bottomLeft", "state": "frozen"])
        try xml.emptyElement("selection", ["pane": "bottomLeft", "activeCell": "A2", "sqref": "A2"])
        try xml.endElement()
        try xml.endElement()
        try xml.emptyElement("sheetFormatPr", ["defaultRowHeight": "15"])
        try xml.startElement("cols")
        for (index, width) in widths().enumerated() {
            let number = String(index + 1)
            try xml.emptyElement(
                "col", ["min": number, "max": number, "width": String(width), "customWidth": "1"])
        }
        try xml.endElement()
        try xml.startElement("sheetData")
        try writeRow(1, columns.map { .text($0.header) }, bold: true, to: xml)
        for index in 0..<rowCount {
            try writeRow(index + 2, row(index), bold: false, to: xml)
        }
        if let total { try writeRow(rowCount + 2, total, bold: true, to: xml) }
        try xml.endElement()
        try xml.emptyElement("autoFilter", ["ref": filterRange])
        try xml.endElement()
    }

    // MARK: - Rows and cells

    private func writeRow(_ number: Int, _ cells: [Cell], bold: Bool, to xml: XMLPartWriter) throws {
        let rowName = String(number)
        try xml.startElement("row")
        try xml.attribute("r", rowName)
        for (index, cell) in cells.enumerated() {
            let reference = Self.columnName(index) + rowName
            switch cell {
            case .empty:
                continue
            case .text(let value):
                try Self.writeText(value, reference: reference, style: bold ? .bold : nil, to: xml)
            case .euros(let cents):
                // A double holds every amount of up to 15 digits exactly; a larger one stays exact as text.
                let text = MoneyTotal(cents: cents).description
                if cents.magnitude < 1_000_000_000_000_000 {
                    try Self.writeNumber(text, reference: reference, style: bold ? .boldEuros : .euros, to: xml)
                } else {
                    try Self.writeText(text, reference: reference, style: bold ? .bold : nil, to: xml)
                }
            case .date(let day):
                if let serial = Self.serialNumber(day) {
                    try Self.writeNumber(String(serial), reference: reference, style: .date, to: xml)
                } else {
                    try Self.writeText(day.description, reference: reference, style: nil, to: xml)
                }
            case .count(let count):
                try Self.writeNumber(String(count), reference: reference, style: bold ? .boldCount : .count, to: xml)
            }
        }
        try xml.endElement()
    }

    private static func writeText(
        _ value: String, reference: String, style: WorkbookXMLWriter.Style?, to xml: XMLPartWriter
    ) throws {
        let text = limited(value)
        try xml.startElement("c")
        try xml.attribute("r", reference)
        if let style { try xml.attribute("s", String(style.rawValue)) }
        try xml.attribute("t", "inlineStr")
        try xml.startElement("is")
        try xml.startElement("t")
        if let first = text.utf8.first, let last = text.utf8.last, isSpace(first) || isSpace(last) {
            try xml.attribute("xml:space", "preserve")
        }
        try xml.text(text)
        try xml.endElement()
        try xml.endElement()
        try xml.endElement()
    }

    private static func writeNumber(
        _ value: String, reference: String, style: WorkbookXMLWriter.Style, to xml: XMLPartWriter
    ) throws {
        try xml.startElement("c")
        try xml.attribute("r", reference)
        try xml.attribute("s", String(style.rawValue))
        try xml.startElement("v")
        try xml.text(value)
        try xml.endElement()
        try xml.endElement()
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// `text`, or its first 32,766 UTF-16 units and `…` when it is longer than a cell holds.
    static func limited(_ text: String) -> String {
        guard text.utf8.count > maximumTextLength, text.utf16.count > maximumTextLength else { return text }
        var kept = ""
        var units = 0
        for character in text {
            let size = character.utf16.count
            if units + size > maximumTextLength - 1 { break }
            kept.append(character)
            units += size
        }
        return kept + "…"
    }

    // MARK: - Values

    /// The serial number of `day` in the 1900 date system (1970-01-01 is 25,569), or nil before 1900-03-01,
    /// where that system counts a 29 February 1900 that never was: those days are written as text.
    static func serialNumber(_ day: FiscalDay) -> Int? {
        let serial = day.daysSinceEpoch + 25_569
        return serial >= 61 ? serial : nil
    }

    /// `A` … `Z`, `AA` …: the letters of 0-based column `index`.
    static func columnName(_ index: Int) -> String {
        var index = index
        var letters: [UInt8] = []
        repeat {
            letters.insert(UInt8(ascii: "A") + UInt8(index % 26), at: 0)
            index = index / 26 - 1
        } while index >= 0
        return String(decoding: letters, as: UTF8.self)
    }

    /// Each column's width in characters: its header or its widest value, plus a margin, within its cap.
    func widths() -> [Int] {
        var widest = columns.map { $0.header.utf8.count }
        func measure(_ cells: [Cell]) {
            for (index, cell) in cells.enumerated() where index < widest.count {
                widest[index] = max(widest[index], Self.displayLength(cell))
            }
        }
        for index in 0..<rowCount { measure(row(index)) }
        if let total { measure(total) }
        return zip(widest, columns).map { min($0 + 2, $1.widthCap) }
    }

    /// About how many characters `cell` shows.
    static func displayLength(_ cell: Cell) -> Int {
        switch cell {
        case .empty: 0
        case .text(let value): value.utf8.count
        case .euros(let cents):
            // The whole euros grouped, `.00` and ` €`.
            grouped(String(cents.magnitude / 100).utf8.count) + 5 + (cents < 0 ? 1 : 0)
        case .date: 10
        case .count(let count): grouped(String(count.magnitude).utf8.count) + (count < 0 ? 1 : 0)
        }
    }

    /// The length of a number of `digits` digits with a separator every three.
    private static func grouped(_ digits: Int) -> Int { digits + max(0, digits - 1) / 3 }
}
