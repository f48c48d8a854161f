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
        let names = columns.indices.map(Self.columnName)
        var markup: [UInt8] = []
        markup.reserveCapacity(1 << 15)
        try writeRow(1, columns.map { .text($0.header) }, bold: true, names: names, markup: &markup, to: xml)
        for index in 0..<rowCount {
            try writeRow(index + 2, row(index), bold: false, names: names, markup: &markup, to: xml)
        }
        if let total { try writeRow(rowCount + 2, total, bold: true, names: names, markup: &markup, to: xml) }
        try xml.raw(markup)
        try xml.endElement()
        try xml.emptyElement("autoFilter", ["ref": filterRange])
        try xml.endElement()
    }

    // MARK: - Rows and cells

    /// Writes one row. The cells' markup, ASCII this sheet makes (tags, references, styles, numbers), is gathered
    /// in `markup` and handed to libxml2 raw between two texts, which libxml2 escapes: a few calls per row instead
    /// of ten per cell.
    private func writeRow(
        _ number: Int, _ cells: [Cell], bold: Bool, names: [String], markup: inout [UInt8], to xml: XMLPartWriter
    ) throws {
        let row = String(number)
        markup.append(contentsOf: #"<row r=""#.utf8)
        markup.append(contentsOf: row.utf8)
        markup.append(contentsOf: #"">"#.utf8)
        for (index, cell) in cells.enumerated() {
            func open(style: WorkbookXMLWriter.Style?, text: Bool) {
                markup.append(contentsOf: #"<c r=""#.utf8)
                markup.append(contentsOf: names[index].utf8)
                markup.append(contentsOf: row.utf8)
                if let style {
                    markup.append(contentsOf: #"" s=""#.utf8)
                    markup.append(contentsOf: String(style.rawValue).utf8)
                }
                markup.append(contentsOf: (text ? #"" t="inlineStr"><is><t"# : #""><v>"#).utf8)
            }
            func writeText(_ value: String, style: WorkbookXMLWriter.Style?) throws {
                let text = Self.limited(value)
                open(style: style, text: true)
                if let first = text.utf8.first, let last = text.utf8.last, Self.isSpace(first) || Self.isSpace(last) {
                    markup.append(contentsOf: #" xml:space="preserve""#.utf8)
                }
                markup.append(UInt8(ascii: ">"))
                try xml.raw(markup)
                markup.removeAll(keepingCapacity: true)
                try xml.text(text)
                markup.append(contentsOf: "</t></is></c>".utf8)
            }
            func writeNumber(_ value: String, style: WorkbookXMLWriter.Style) {
                open(style: style, text: false)
                markup.append(contentsOf: value.utf8)
                markup.append(contentsOf: "</v></c>".utf8)
            }
            switch cell {
            case .empty:
                continue
            case .text(let value):
                try writeText(value, style: bold ? .bold : nil)
            case .euros(let cents):
                // A double holds every amount of up to 15 digits exactly; a larger one stays exact as text.
                let text = MoneyTotal(cents: cents).description
                if cents.magnitude < 1_000_000_000_000_000 {
                    writeNumber(text, style: bold ? .boldEuros : .euros)
                } else {
                    try writeText(text, style: bold ? .bold : nil)
                }
            case .date(let day):
                if let serial = Self.serialNumber(day) {
                    writeNumber(String(serial), style: .date)
                } else {
                    try writeText(day.description, style: nil)
                }
            case .count(let count):
                writeNumber(String(count), style: bold ? .boldCount : .count)
            }
        }
        markup.append(contentsOf: "</row>".utf8)
        if markup.count >= 1 << 14 {
            try xml.raw(markup)
            markup.removeAll(keepingCapacity: true)
        }
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
