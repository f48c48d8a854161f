import QuadraCore

/// One part (file) of a workbook package: its name in the package and how to write it through a sink.
public struct WorkbookPart: Sendable {
    /// The part's name in the package, `xl/worksheets/sheet1.xml`.
    public let path: String
    /// True for a part as big as the findings (a findings sheet): better written to a file than kept in memory.
    public let large: Bool
    let body: @Sendable (XMLPartWriter) throws -> Void

    /// Writes the part, a few KiB at a time, to `sink`. Throws an `XMLError` when libxml2 fails.
    public func write(to sink: @escaping (UnsafeRawBufferPointer) -> Void) throws {
        let xml = try XMLPartWriter(sink: sink)
        try xml.startDocument()
        try body(xml)
        try xml.finish()
    }

    /// The whole part in memory.
    public func bytes() throws -> [UInt8] { try XMLPartWriter.bytes(body) }
}

/// `findings.xlsx` as Office Open XML (SpreadsheetML) parts, written with libxml2's streaming writer: the sheet
/// "Findings" (the rows and columns of `findings.csv`, typed) and, for a run, the sheet "Days" (the day table of
/// `summary.html`: figures and findings by severity, and their total). The package itself (the ZIP) is the
/// caller's.
public enum WorkbookXMLWriter {
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"

    /// The most findings a sheet holds: a worksheet's rows but the header.
    public static let rowsPerSheet = WorkbookSheet.maximumRows - 1

    /// The parts in package order: content types, relationships, workbook, styles, then one sheet per part.
    /// Findings beyond a sheet's million rows continue on "Findings 2", "Findings 3"… (and days on "Days 2"…, the
    /// total on the last); `days` nil (a preparation, which has no day figures) leaves the sheet "Days" out.
    public static func parts(
        findings: [Finding], days: [DayStats]?, rowsPerSheet: Int = rowsPerSheet
    ) -> [WorkbookPart] {
        var sheets: [WorkbookSheet] = []
        for (index, range) in chunks(findings.count, rowsPerSheet).enumerated() {
            sheets.append(
                findingsSheet(findings, range: range, name: index == 0 ? "Findings" : "Findings \(index + 1)"))
        }
        if let days {
            let table = DayTable(findings: findings, days: days)
            // A row less, for the total.
            let ranges = chunks(table.rows.count, rowsPerSheet - 1)
            for (index, range) in ranges.enumerated() {
                let name = index == 0 ? "Days" : "Days \(index + 1)"
                sheets.append(daysSheet(table, range: range, name: name, total: index == ranges.count - 1))
            }
        }
        let count = sheets.count
        var parts = [
            WorkbookPart(path: "[Content_Types].xml", large: false) { try contentTypes(sheetCount: count, $0) },
            WorkbookPart(path: "_rels/.rels", large: false) { try packageRelationships($0) },
            WorkbookPart(path: "xl/workbook.xml", large: false) { [sheets] in try workbook(sheets, $0) },
            WorkbookPart(path: "xl/_rels/workbook.xml.rels", large: false) {
                try workbookRelationships(sheetCount: count, $0)
            },
            WorkbookPart(path: "xl/styles.xml", large: false) { try styles($0) },
        ]
        for (index, sheet) in sheets.enumerated() {
            parts.append(
                WorkbookPart(path: "xl/worksheets/sheet\(index + 1).xml", large: sheet.rowCount > 1000) {
                    try sheet.write(to: $0, selected: index == 0)
                })
        }
        return parts
    }

    // MARK: - Sheets

    /// The columns of `findings.csv`, with their widest widths.
    static func findingsSheet(_ findings: [Finding], range: Range<Int>, name: String) -> WorkbookSheet {
        let caps = [32, 10, 16, 12, 16, 24, 24, 40, 16, 80, 60]
        let columns = zip(FindingsCSVWriter.columns, caps).map { WorkbookSheet.Column(header: $0, widthCap: $1) }
        let start = range.lowerBound
        return WorkbookSheet(
            name: name, columns: columns, rowCount: range.count,
            row: { index in
                let finding = findings[start + index]
                func text(_ value: String?) -> WorkbookSheet.Cell {
                    guard let value, !value.isEmpty else { return .empty }
                    return .text(FindingsCSVWriter.defused(value))
                }
                return [
                    text(finding.code.rawValue), text(finding.severity.description), text(finding.pem),
                    finding.fiscalDay.map { .date($0) } ?? .empty, text(finding.terminal), text(finding.sale),
                    text(finding.posRefId), text(finding.receiptUuid),
                    finding.amount.map { .euros(Int128($0.cents)) } ?? .empty, text(finding.detail),
                    text(finding.code.action),
                ]
            })
    }

    /// The columns of the day table of `summary.html`, and its total.
    static let dayColumns = [
        "pem", "fiscal_day", "sales", "sales_amount", "paid", "paid_amount", "receipted", "receipted_amount",
        "offline", "offline_amount", "emergency_report", "critical", "action", "warning", "info",
    ]

    /// The day table of `summary.html`: a row per PEM and fiscal day that has sales or findings, then one for the
    /// findings of no PEM or no day (when there are some), so that the severity totals are those of all findings.
    struct DayTable: Sendable {
        struct Row: Sendable {
            /// Nil for the row of the findings of no PEM or day.
            var stats: DayStats?
            var counts: [Severity: Int]
        }

        var rows: [Row] = []
        var total = DayStats(key: PemDay(pem: "", day: FiscalDay(year: 1970, month: 1, day: 1)))
        var totalCounts: [Severity: Int] = [:]

        init(findings: [Finding], days: [DayStats]) {
            var counts: [PemDay: [Severity: Int]] = [:]
            var other: [Severity: Int] = [:]
            for index in findings.indices {
                let finding = findings[index]
                totalCounts[finding.severity, default: 0] += 1
                if let pem = finding.pem, let day = finding.fiscalDay {
                    counts[PemDay(pem: pem, day: day), default: [:]][finding.severity, default: 0] += 1
                } else {
                    other[finding.severity, default: 0] += 1
                }
            }
            let stats = Dictionary(days.map { ($0.key, $0) }, uniquingKeysWith: { $0.adding($1) })
            for key in Set(stats.keys).union(counts.keys).sorted() {
                let day = stats[key] ?? DayStats(key: key)
                total = total.adding(day)
                rows.append(Row(stats: day, counts: counts[key] ?? [:]))
            }
            if !other.isEmpty { rows.append(Row(stats: nil, counts: other)) }
        }
    }

    static func daysSheet(_ table: DayTable, range: Range<Int>, name: String, total: Bool) -> WorkbookSheet {
        let columns = dayColumns.map { WorkbookSheet.Column(header: $0, widthCap: 24) }
        let start = range.lowerBound
        return WorkbookSheet(
            name: name, columns: columns, rowCount: range.count,
            row: { index in
                let row = table.rows[start + index]
                guard let day = row.stats else {
                    return [.text("without PEM or day")] + Array(repeating: .empty, count: 10) + severities(row.counts)
                }
                let report = day.covered ? "covered" : (day.offline > 0 ? "not covered" : "—")
                return [.text(FindingsCSVWriter.defused(day.key.pem)), .date(day.key.day)] + figures(day)
                    + [.text(report)] + severities(row.counts)
            },
            total: total
                ? [.text("Total"), .empty] + figures(table.total) + [.empty] + severities(table.totalCounts) : nil)
    }

    /// `0..<count` in ranges of `size` (one empty range when `count` is 0: a sheet with its header only).
    static func chunks(_ count: Int, _ size: Int) -> [Range<Int>] {
        stride(from: 0, to: max(count, 1), by: max(size, 1)).map { $0..<min($0 + max(size, 1), count) }
    }

    /// Sales, paid, receipted and offline: each a count and an amount.
    private static func figures(_ day: DayStats) -> [WorkbookSheet.Cell] {
        [
            .count(day.sales), .euros(day.salesAmount.cents), .count(day.paid), .euros(day.paidAmount.cents),
            .count(day.receipted), .euros(day.receiptedAmount.cents), .count(day.offline),
            .euros(day.offlineAmount.cents),
        ]
    }

    /// Findings by severity, the gravest first.
    private static func severities(_ counts: [Severity: Int]) -> [WorkbookSheet.Cell] {
        [Severity.critical, .action, .warning, .info].map { .count(counts[$0] ?? 0) }
    }

    // MARK: - Package parts

    static func contentTypes(sheetCount: Int, _ xml: XMLPartWriter) throws {
        try xml.startElement("Types")
        try xml.attribute("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")
        try xml.emptyElement(
            "Default",
            ["Extension": "rels", "ContentType": "application/vnd.openxmlformats-package.relationships+xml"])
        try xml.emptyElement("Default", ["Extension": "xml", "ContentType": "application/xml"])
        let spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml."
        try xml.emptyElement(
            "Override", ["PartName": "/xl/workbook.xml", "ContentType": spreadsheet + "sheet.main+xml"])
        for index in 1...max(1, sheetCount) {
            try xml.emptyElement(
                "Override",
                ["PartName": "/xl/worksheets/sheet\(index).xml", "ContentType": spreadsheet + "worksheet+xml"])
        }
        try xml.emptyElement("Override", ["PartName": "/xl/styles.xml", "ContentType": spreadsheet + "styles+xml"])
        try xml.endElement()
    }

    static func packageRelationships(_ xml: XMLPartWriter) throws {
        try xml.startElement("Relationships")
        try xml.attribute("xmlns", packageRelationshipsNamespace)
        try xml.emptyElement(
            "Relationship",
            [
                "Id": "rId1", "Type": relationshipsNamespace + "/officeDocument", "Target": "xl/workbook.xml",
            ])
        try xml.endElement()
    }

    static func workbook(_ sheets: [WorkbookSheet], _ xml: XMLPartWriter) throws {
        try xml.startElement("workbook")
        try xml.attribute("xmlns", mainNamespace)
        try xml.attribute("xmlns:r", relationshipsNamespace)
        try xml.startElement("bookViews")
        try xml.emptyElement("workbookView", ["activeTab": "0"])
        try xml.endElement()
        try xml.startElement("sheets")
        for (index, sheet) in sheets.enumerated() {
            try xml.emptyElement(
                "sheet", ["name": sheet.name, "sheetId": String(index + 1), "r:id": "rId\(index + 1)"])
        }
        try xml.endElement()
        // The name Excel itself keeps for each sheet's auto-filter range.
        try xml.startElement("definedNames")
        for (index, sheet) in sheets.enumerated() {
            try xml.startElement("definedName")
            try xml.attribute("name", "_xlnm._FilterDatabase")
            try xml.attribute("localSheetId", String(index))
            try xml.attribute("hidden", "1")
            try xml.text(sheet.filterDefinition)
            try xml.endElement()
        }
        try xml.endElement()
        try xml.endElement()
    }

    static func workbookRelationships(sheetCount: Int, _ xml: XMLPartWriter) throws {
        try xml.startElement("Relationships")
        try xml.attribute("xmlns", packageRelationshipsNamespace)
        for index in 1...max(1, sheetCount) {
            try xml.emptyElement(
                "Relationship",
                [
                    "Id": "rId\(index)", "Type": relationshipsNamespace + "/worksheet",
                    "Target": "worksheets/sheet\(index).xml",
                ])
        }
        try xml.emptyElement(
            "Relationship",
            ["Id": "rId\(sheetCount + 1)", "Type": relationshipsNamespace + "/styles", "Target": "styles.xml"])
        try xml.endElement()
    }

    // MARK: - Styles

    /// The cell formats (`cellXfs` indices) the sheets use.
    enum Style: Int {
        case normal = 0
        case bold = 1
        case euros = 2
        case date = 3
        case count = 4
        case boldEuros = 5
        case boldCount = 6
    }

    /// Euros after the amount, as Italy writes them (the reader's locale gives the separators); ISO dates, as
    /// `findings.csv` has them.
    static let eurosFormat = #"#,##0.00 "€""#
    static let dateFormat = "yyyy-mm-dd"

    static func styles(_ xml: XMLPartWriter) throws {
        try xml.startElement("styleSheet")
        try xml.attribute("xmlns", mainNamespace)
        try xml.startElement("numFmts")
        try xml.attribute("count", "2")
        try xml.emptyElement("numFmt", ["numFmtId": "164", "formatCode": eurosFormat])
        try xml.emptyElement("numFmt", ["numFmtId": "165", "formatCode": dateFormat])
        try xml.endElement()
        try xml.startElement("fonts")
        try xml.attribute("count", "2")
        for bold in [false, true] {
            try xml.startElement("font")
            if bold { try xml.emptyElement("b", [:]) }
            try xml.emptyElement("sz", ["val": "11"])
            try xml.emptyElement("name", ["val": "Calibri"])
            try xml.emptyElement("family", ["val": "2"])
            try xml.endElement()
        }
        try xml.endElement()
        try xml.startElement("fills")
        try xml.attribute("count", "2")
        for pattern in ["none", "gray125"] {
            try xml.startElement("fill")
            try xml.emptyElement("patternFill", ["patternType": pattern])
            try xml.endElement()
        }
        try xml.endElement()
        try xml.startElement("borders")
        try xml.attribute("count", "1")
        try xml.startElement("border")
        for side: StaticString in ["left", "right", "top", "bottom", "diagonal"] { try xml.emptyElement(side, [:]) }
        try xml.endElement()
        try xml.endElement()
        try xml.startElement("cellStyleXfs")
        try xml.attribute("count", "1")
        try xml.emptyElement("xf", ["numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0"])
        try xml.endElement()
        // In `Style`'s order: number format and font of each.
        let formats: [(numFmtId: String, fontId: String)] = [
            ("0", "0"), ("0", "1"), ("164", "0"), ("165", "0"), ("3", "0"), ("164", "1"), ("3", "1"),
        ]
        try xml.startElement("cellXfs")
        try xml.attribute("count", String(formats.count))
        for format in formats {
            try xml.startElement("xf")
            try xml.attribute("numFmtId", format.numFmtId)
            try xml.attribute("fontId", format.fontId)
            try xml.attribute("fillId", "0")
            try xml.attribute("borderId", "0")
            try xml.attribute("xfId", "0")
            if format.numFmtId != "0" { try xml.attribute("applyNumberFormat", "1") }
            if format.fontId != "0" { try xml.attribute("applyFont", "1") }
            try xml.endElement()
        }
        try xml.endElement()
        try xml.startElement("cellStyles")
        try xml.attribute("count", "1")
        try xml.emptyElement("cellStyle", ["name": "Normal", "xfId": "0", "builtinId": "0"])
        try xml.endElement()
        try xml.endElement()
    }
}
