import Foundation

/// A workbook as Python's `openpyxl` reads it, with the ZIP checked by Python's `zipfile`: a reader independent of
/// Quadra's writer, that tests check `findings.xlsx` with. Optionally a CSV file as Python's `csv` module reads it.
public struct PythonWorkbook: Decodable, Sendable {
    /// One ZIP entry: its name, date (year, month, day, hour, minute, second) and compression method (8: deflate).
    public struct Entry: Decodable, Sendable {
        public var name: String
        public var date: [Int]
        public var method: Int
    }

    /// One cell with a value: openpyxl's data type (`s` text, `n` number, `d` date, `f` formula…), its value, its
    /// number format and whether its font is bold.
    public struct Cell: Decodable, Sendable {
        public var type: String
        public var text: String?
        public var number: Double?
        /// A date as `YYYY-MM-DD`.
        public var date: String?
        public var format: String
        public var bold: Bool
    }

    public struct Sheet: Decodable, Sendable {
        public var name: String
        /// The top-left cell of the unfrozen pane, `A2` when the header row is frozen.
        public var freeze: String?
        /// The auto-filter's range.
        public var filter: String?
        public var dimensions: String
        /// Column widths by column letter.
        public var widths: [String: Double]
        /// Every row, each as wide as the widest: nil where a cell holds nothing.
        public var rows: [[Cell?]]
    }

    /// The first damaged entry `zipfile.testzip` found, nil when all are sound.
    public var broken: String?
    public var entries: [Entry]
    public var sheets: [Sheet]
    /// The CSV file's rows, when one was given.
    public var csv: [[String]]?
    /// What Python wrote on standard error (openpyxl's warnings about what it did not understand).
    public var warnings: String = ""

    enum CodingKeys: String, CodingKey { case broken, entries, sheets, csv }

    /// What to install when Python cannot read.
    public static let hint = "the check needs python3 with openpyxl: pip install openpyxl"

    static let program = #"""
        import csv, datetime, json, sys, zipfile
        try:
            import openpyxl
        except ImportError as error:
            sys.exit(f"missing Python package ({error}): pip install openpyxl")
        path = sys.argv[1]
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            entries = [{"name": item.filename, "date": list(item.date_time), "method": item.compress_type}
                       for item in archive.infolist()]
        book = openpyxl.load_workbook(path)
        sheets = []
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows():
                cells = []
                for cell in row:
                    value = cell.value
                    if value is None:
                        cells.append(None)
                        continue
                    item = {"type": cell.data_type, "format": cell.number_format, "bold": bool(cell.font.b)}
                    if isinstance(value, datetime.datetime):
                        item["date"] = value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
                    elif isinstance(value, bool):
                        item["text"] = repr(value)
                    elif isinstance(value, (int, float)):
                        item["number"] = value
                    else:
                        item["text"] = str(value)
                    cells.append(item)
                rows.append(cells)
            sheets.append({
                "name": sheet.title, "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref,
                "dimensions": sheet.dimensions,
                "widths": {key: dimension.width for key, dimension in sheet.column_dimensions.items()},
                "rows": rows})
        result = {"broken": broken, "entries": entries, "sheets": sheets}
        if len(sys.argv) > 2:
            with open(sys.argv[2], newline="", encoding="utf-8") as file:
                result["csv"] = list(csv.reader(file))
        json.dump(result, sys.stdout)
        """#

    /// Reads the workbook at `url` (and the CSV at `csv`, when given). Throws `ExternalProgram.Failure` when Python or
    /// openpyxl is missing or cannot read the file.
    public static func read(_ url: URL, csv: URL? = nil) async throws -> PythonWorkbook {
        let result = try await ExternalProgram.python(program, [url.path] + (csv.map { [$0.path] } ?? []), hint: hint)
        var workbook = try JSONDecoder().decode(PythonWorkbook.self, from: result.stdout)
        workbook.warnings = result.stderr
        return workbook
    }
}
