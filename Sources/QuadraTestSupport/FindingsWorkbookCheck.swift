import Foundation

/// What `findings.xlsx` must be, checked on what openpyxl read (`PythonWorkbook`): each function returns what is
/// wrong, empty when all is right.
public enum FindingsWorkbookCheck {
    public static let findingsHeader = [
        "code", "severity", "pem", "fiscal_day", "terminal", "sale", "pos_ref_id", "receipt_uuid", "amount",
        "detail", "action",
    ]
    public static let daysHeader = [
        "pem", "fiscal_day", "sales", "sales_amount", "paid", "paid_amount", "receipted", "receipted_amount",
        "offline", "offline_amount", "emergency_report", "critical", "action", "warning", "info",
    ]
    /// The package's entries, in order.
    public static let entries = [
        "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
    ]

    /// The ZIP is sound, holds the parts in order (then `sheets` worksheets), each deflated and dated 1980-01-01
    /// 00:00; openpyxl had nothing to warn about; no cell anywhere is a formula.
    public static func packageProblems(_ workbook: PythonWorkbook, sheets: Int) -> [String] {
        var problems: [String] = []
        if let broken = workbook.broken { problems.append("zipfile.testzip: \(broken) is damaged") }
        let names = entries + (1...sheets).map { "xl/worksheets/sheet\($0).xml" }
        if workbook.entries.map(\.name) != names { problems.append("entries: \(workbook.entries.map(\.name))") }
        for entry in workbook.entries where entry.date != [1980, 1, 1, 0, 0, 0] || entry.method != 8 {
            problems.append("\(entry.name): dated \(entry.date), method \(entry.method)")
        }
        if !workbook.warnings.isEmpty { problems.append("openpyxl warned: \(workbook.warnings)") }
        for sheet in workbook.sheets {
            for (number, row) in sheet.rows.enumerated() {
                for case let cell? in row where cell.type == "f" {
                    problems.append("\(sheet.name) row \(number + 1): a formula: \(cell.text ?? "")")
                }
            }
        }
        return problems
    }

    /// The sheets "Findings", "Findings 2"… hold `csv` (header included) cell for cell: texts equal, amounts numbers
    /// equal to the CSV's, fiscal days dates; each with its header bold and frozen, auto-filtered, columns widened.
    public static func findingsProblems(_ workbook: PythonWorkbook, csv: [[String]]) -> [String] {
        var problems: [String] = []
        guard csv.first == findingsHeader else { return ["the CSV's header is \(csv.first ?? [])"] }
        let sheets = workbook.sheets.filter { $0.name == "Findings" || $0.name.hasPrefix("Findings ") }
        guard !sheets.isEmpty, workbook.sheets.first?.name == "Findings" else {
            return ["no sheet Findings first: \(workbook.sheets.map(\.name))"]
        }
        var rows: [[PythonWorkbook.Cell?]] = []
        for (index, sheet) in sheets.enumerated() {
            let name = index == 0 ? "Findings" : "Findings \(index + 1)"
            if sheet.name != name { problems.append("sheet \(index + 1) is \(sheet.name), expected \(name)") }
            problems += headerProblems(sheet, findingsHeader)
            let last = "K\(sheet.rows.count)"
            if sheet.filter != "A1:" + last { problems.append("\(sheet.name): filter \(sheet.filter ?? "none")") }
            if sheet.dimensions != "A1:" + last { problems.append("\(sheet.name): dimensions \(sheet.dimensions)") }
            problems += widthProblems(sheet, values: Array(csv.dropFirst()))
            rows += sheet.rows.dropFirst()
        }
        let expected = csv.dropFirst()
        if rows.count != expected.count { problems.append("\(rows.count) finding rows, the CSV has \(expected.count)") }
        for (number, (row, fields)) in zip(rows, expected).enumerated() {
            for (column, field) in fields.enumerated() {
                let cell = column < row.count ? row[column] : nil
                let place = "finding \(number + 1), \(findingsHeader[column])"
                if let problem = cellProblem(cell, field: field, column: findingsHeader[column]) {
                    problems.append("\(place): \(problem)")
                }
            }
        }
        return problems
    }

    /// The sheet "Days" (the last): a row per (PEM, day) of the CSV's findings (and of days with sales), then a row
    /// for the findings without PEM or day, then a bold total row; counts whole numbers, amounts euros, the total
    /// the sum of the rows, and each row's findings by severity those of the CSV for its PEM and day.
    public static func daysProblems(_ workbook: PythonWorkbook, csv: [[String]]) -> [String] {
        guard let sheet = workbook.sheets.last, sheet.name == "Days" else { return ["no sheet Days last"] }
        var problems = headerProblems(sheet, daysHeader)
        guard sheet.rows.count >= 2 else { return problems + ["no total row"] }
        let rows = sheet.rows.dropFirst().dropLast()
        let total = sheet.rows[sheet.rows.count - 1]
        if sheet.filter != "A1:O\(rows.count + 1)" { problems.append("Days: filter \(sheet.filter ?? "none")") }
        problems += widthProblems(sheet, values: [])
        let counts = [2, 4, 6, 8, 11, 12, 13, 14]
        let amounts = [3, 5, 7, 9]
        let severities = ["critical", "action", "warning", "info"]
        var sums = [Int: Int](uniqueKeysWithValues: (counts + amounts).map { ($0, 0) })
        // By "PEM day severity", "day" empty for the findings without PEM or day.
        var bySeverity: [String: Int] = [:]
        var unseen = Set<String>()
        for fields in csv.dropFirst() where fields.count == findingsHeader.count {
            let key = fields[2].isEmpty || fields[3].isEmpty ? "without PEM or day" : fields[2] + " " + fields[3]
            bySeverity[key + " " + fields[1], default: 0] += 1
            unseen.insert(key)
        }
        for (number, row) in rows.enumerated() {
            let place = "Days row \(number + 2)"
            guard row.count == daysHeader.count, let label = row[0]?.text else {
                problems.append("\(place): no PEM: \(row)")
                continue
            }
            let key: String
            if label == "without PEM or day" && number == rows.count - 1 {
                key = label
                if row[1...10].contains(where: { $0 != nil }) { problems.append("\(place): figures without a day") }
            } else {
                guard let day = row[1]?.date, row[1]?.type == "d", row[1]?.format == "yyyy-mm-dd" else {
                    problems.append("\(place): no date: \(row)")
                    continue
                }
                key = label + " " + day
                for column in counts.prefix(4) + amounts {
                    let value = amounts.contains(column) ? euros(row[column]) : whole(row[column])
                    guard let value else {
                        problems.append("\(place), \(daysHeader[column]): \(String(describing: row[column]))")
                        continue
                    }
                    sums[column, default: 0] += value
                }
                if !["covered", "not covered", "—"].contains(row[10]?.text ?? "") {
                    problems.append("\(place): emergency_report \(String(describing: row[10]))")
                }
            }
            unseen.remove(key)
            for (offset, severity) in severities.enumerated() {
                let expected = bySeverity[key + " " + severity] ?? 0
                guard let value = whole(row[11 + offset]), value == expected else {
                    problems.append(
                        "\(place): \(severity) \(String(describing: row[11 + offset])), the CSV has \(expected)")
                    continue
                }
                sums[11 + offset, default: 0] += value
            }
        }
        if !unseen.isEmpty { problems.append("Days: no row for \(unseen.sorted())") }
        if total.first??.text != "Total" || total.first??.bold != true { problems.append("no bold Total: \(total)") }
        if total.count > 10, total[1] != nil || total[10] != nil { problems.append("Total: a day or a report") }
        for column in counts where total.count > column && whole(total[column]) != sums[column] {
            problems.append(
                "Total \(daysHeader[column]): \(String(describing: total[column])), rows add to \(sums[column] ?? 0)")
        }
        for column in amounts where total.count > column && euros(total[column]) != sums[column] {
            problems.append(
                "Total \(daysHeader[column]): \(String(describing: total[column])), rows add to \(sums[column] ?? 0) cents"
            )
        }
        let findings = csv.count - 1
        if (11...14).reduce(0, { $0 + (whole(total[$1]) ?? 0) }) != findings {
            problems.append("Total: the severities do not add up to the CSV's \(findings) findings")
        }
        return problems
    }

    // MARK: - Pieces

    private static func headerProblems(_ sheet: PythonWorkbook.Sheet, _ header: [String]) -> [String] {
        var problems: [String] = []
        let first = sheet.rows.first ?? []
        if first.map({ $0?.text }) != header { problems.append("\(sheet.name): header \(first.map { $0?.text })") }
        if !first.allSatisfy({ $0?.bold == true && $0?.type == "s" }) {
            problems.append("\(sheet.name): header not bold text")
        }
        if sheet.freeze != "A2" { problems.append("\(sheet.name): frozen at \(sheet.freeze ?? "nothing")") }
        return problems
    }

    /// Every column has a width: at least its header's, and at least its longest value's up to 20 characters.
    private static func widthProblems(_ sheet: PythonWorkbook.Sheet, values: [[String]]) -> [String] {
        var problems: [String] = []
        for (index, header) in (sheet.rows.first ?? []).enumerated() {
            let letter = String(UnicodeScalar(UInt8(ascii: "A") + UInt8(index)))
            let longest = values.map { index < $0.count ? $0[index].count : 0 }.max() ?? 0
            guard let width = sheet.widths[letter] else {
                problems.append("\(sheet.name): column \(letter) has no width")
                continue
            }
            let least = max((header?.text ?? "").count, min(longest, 20))
            if width < Double(least) || width > 100 {
                problems.append("\(sheet.name): column \(letter) is \(width) wide, its content \(least)")
            }
        }
        return problems
    }

    private static func cellProblem(_ cell: PythonWorkbook.Cell?, field: String, column: String) -> String? {
        guard let cell else { return field.isEmpty ? nil : "empty, the CSV has \(field)" }
        guard !field.isEmpty else { return "\(cell), the CSV has nothing" }
        switch column {
        case "fiscal_day":
            return cell.type == "d" && cell.date == field && cell.format == "yyyy-mm-dd"
                ? nil : "\(cell), the CSV has the day \(field)"
        case "amount":
            guard cell.type == "n", let number = cell.number, let expected = Double(field), number == expected,
                cell.format.contains("€"), cell.format.contains("0.00")
            else { return "\(cell), the CSV has the amount \(field)" }
            return nil
        default:
            return cell.type == "s" && cell.text == field ? nil : "\(cell), the CSV has the text \(field)"
        }
    }

    /// A whole-number cell's value.
    private static func whole(_ cell: PythonWorkbook.Cell??) -> Int? {
        guard let cell = cell ?? nil, cell.type == "n", let number = cell.number, number == number.rounded(),
            cell.format == "#,##0"
        else { return nil }
        return Int(number)
    }

    /// A euro cell's value in cents.
    private static func euros(_ cell: PythonWorkbook.Cell??) -> Int? {
        guard let cell = cell ?? nil, cell.type == "n", let number = cell.number, cell.format.contains("€") else {
            return nil
        }
        return Int((number * 100).rounded())
    }
}
