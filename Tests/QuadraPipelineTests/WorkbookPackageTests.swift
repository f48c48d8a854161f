import Foundation
import QuadraCore
import QuadraTestSupport
import QuadraXML
import Testing

@testable import QuadraPipeline

/// `findings.xlsx` as the pipeline packs it, read back by Python's openpyxl: the day figures exactly, findings
/// beyond a sheet on the next, the values a cell cannot hold as they are, and a failed write leaving nothing.
@Suite struct WorkbookPackageTests {
    @Test func theDaysSheetHoldsTheRunsDayFiguresExactly() async throws {
        let work = try NightPipelineTests.temporaryDirectory()
        let out = work.appendingPathComponent("out")
        let result = try await NightPipeline(
            options: NightPipelineTests.options(
                out: out, state: work.appendingPathComponent("none.sqlite"), offline: true, submit: false),
            services: .init()
        ).run()
        let workbook = try await PythonWorkbook.read(out.appendingPathComponent("findings.xlsx"))
        let sheet = try #require(workbook.sheets.last)
        #expect(sheet.name == "Days")
        var counts: [PemDay?: [Severity: Int]] = [:]
        for finding in result.report.findings {
            let key = finding.pem.flatMap { pem in finding.fiscalDay.map { PemDay(pem: pem, day: $0) } }
            counts[key, default: [:]][finding.severity, default: 0] += 1
        }
        let rows = Array(sheet.rows.dropFirst())
        #expect(counts[nil] != nil, "the sample night has findings without PEM or day")
        #expect(rows.count == result.dayStats.count + 2, "a row per day, the findings without PEM or day, the total")
        var total = DayStats(key: PemDay(pem: "", day: FiscalDay(year: 1970, month: 1, day: 1)))
        for (row, day) in zip(rows, result.dayStats) {
            total = total.adding(day)
            #expect(row[0]?.text == day.key.pem)
            #expect(row[1]?.date == day.key.day.description)
            #expect(Self.figures(row) == Self.figures(day, counts[day.key] ?? [:]), "\(day.key.pem) \(day.key.day)")
            #expect(row[10]?.text == (day.covered ? "covered" : day.offline > 0 ? "not covered" : "—"))
        }
        let other = rows[rows.count - 2]
        #expect(other[0]?.text == "without PEM or day" && other[1...10].allSatisfy { $0 == nil })
        #expect(Self.figures(other).suffix(4) == Self.figures(DayStats(key: total.key), counts[nil] ?? [:]).suffix(4))
        let last = try #require(rows.last)
        #expect(last[0]?.text == "Total" && last[0]?.bold == true)
        let all = result.report.findings.reduce(into: [Severity: Int]()) { $0[$1.severity, default: 0] += 1 }
        #expect(Self.figures(last) == Self.figures(total, all))
        #expect(total.sales > 0 && total.salesAmount.cents > 0, "the sample night has sales")
    }

    @Test func findingsBeyondASheetContinueOnTheNext() async throws {
        let findings = (0..<7).map { index in
            Finding(
                code: index.isMultiple(of: 2) ? .receiptMissing : .inputRejected,
                fiscalDay: FiscalDay(year: 2026, month: 11, day: 20 + index % 2), terminal: "T\(index)",
                sale: index == 3 ? "=1+1" : "S-\(index)", amount: Money(cents: Int64(index * 1_234_567) - 5),
                detail: "finding \(index)")
        }
        let days = (1...5).map { index in
            var day = DayStats(key: PemDay(pem: "E001-00000\(index)", day: FiscalDay(year: 2026, month: 11, day: 21)))
            day.sales = index
            day.salesAmount = MoneyTotal(cents: Int128(index * 1_000))
            return day
        }
        let work = try NightPipelineTests.temporaryDirectory()
        let xlsx = work.appendingPathComponent("findings.xlsx")
        let csv = work.appendingPathComponent("findings.csv")
        try Data(FindingsCSVWriter.render(findings)).write(to: csv)
        try WorkbookPackage.write(
            WorkbookXMLWriter.parts(findings: findings, days: days, rowsPerSheet: 3), to: xlsx.path)
        let workbook = try await PythonWorkbook.read(xlsx, csv: csv)
        #expect(
            workbook.sheets.map(\.name) == ["Findings", "Findings 2", "Findings 3", "Days", "Days 2", "Days 3"])
        // The days and the findings without PEM two a sheet, a row left for the total on the last.
        #expect(workbook.sheets.map(\.rows.count) == [4, 4, 2, 3, 3, 4])
        let problems =
            FindingsWorkbookCheck.packageProblems(workbook, sheets: 6)
            + FindingsWorkbookCheck.findingsProblems(workbook, csv: try #require(workbook.csv))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        let pems = workbook.sheets.dropFirst(3).flatMap { $0.rows.dropFirst() }.compactMap { $0.first??.text }
        #expect(pems == days.map(\.key.pem) + ["without PEM or day", "Total"])
        let total = try #require(workbook.sheets.last?.rows.last)
        #expect(total[2]?.number == 15 && total[3]?.number == 150)
        #expect(total[12]?.number == 4 && total[13]?.number == 3, "4 RECEIPT_MISSING (action), 3 INPUT_REJECTED")
    }

    @Test func valuesACellCannotHoldAreWrittenAsTheyAre() async throws {
        let long = String(repeating: "é", count: 40_000)
        let findings = [
            // Excel's dates start in 1900 (and count a 29 February 1900): an older day stays text.
            Finding(code: .inputRejected, fiscalDay: FiscalDay(year: 1899, month: 12, day: 31), detail: long),
            Finding(
                code: .receiptMissing, fiscalDay: FiscalDay(year: 1900, month: 3, day: 1),
                amount: Money.largestInput, detail: " line one\nline two "),
            Finding(
                code: .receiptMissing, fiscalDay: FiscalDay(year: 9999, month: 12, day: 29), amount: Money(cents: -5),
                detail: "control \u{1}"),
        ]
        let work = try NightPipelineTests.temporaryDirectory()
        let xlsx = work.appendingPathComponent("findings.xlsx")
        let huge = DayStats(key: PemDay(pem: "E001-000001", day: FiscalDay(year: 2026, month: 11, day: 21)))
        var days = [huge]
        days[0].salesAmount = MoneyTotal(cents: Int128(10).power(17) + 1)
        try WorkbookPackage.write(WorkbookXMLWriter.parts(findings: findings, days: days), to: xlsx.path)
        let workbook = try await PythonWorkbook.read(xlsx)
        let rows = try #require(workbook.sheets.first?.rows)
        #expect(rows[1][3]?.type == "s" && rows[1][3]?.text == "1899-12-31")
        let cut = try #require(rows[1][9]?.text)
        #expect(cut.utf16.count == 32_767 && cut.hasSuffix("…") && cut.hasPrefix("éé"))
        #expect(rows[2][3]?.date == "1900-03-01")
        #expect(rows[2][8]?.number == 99_999_999_999.99)
        #expect(rows[2][9]?.text == " line one\nline two ")
        #expect(rows[3][3]?.date == "9999-12-29")
        #expect(rows[3][8]?.number == -0.05)
        #expect(rows[3][9]?.text == "control \u{FFFD}")
        // A total beyond a double's 15 exact digits stays exact, as text.
        let day = try #require(workbook.sheets.last?.rows[1])
        #expect(day[3]?.type == "s" && day[3]?.text == "1000000000000000.01")
    }

    @Test func aWrittenFileThatFailsLeavesOutAsItWas() throws {
        struct Refused: Error {}
        let work = try NightPipelineTests.temporaryDirectory()
        let out = try OutputDirectory(root: work.appendingPathComponent("out"))
        try out.replaceSet(
            [.init(path: "kept.txt", render: { Array("kept".utf8) })], manifest: { _ in Array("{}".utf8) }, workers: 2)
        let before = try FileManager.default.contentsOfDirectory(atPath: out.root.path).sorted()
        #expect(before == ["kept.txt", "manifest.json"])
        #expect(throws: Refused.self) {
            try out.replaceSet(
                [
                    .init(path: "kept.txt", render: { Array("new".utf8) }),
                    .init(path: "findings.xlsx") { temporary in
                        // A scratch file beside it, as the workbook makes one, is removed too.
                        let scratch = OutputDirectory.scratchPath(for: temporary, part: "part")
                        _ = Interruption.createTracked(scratch) { open(scratch, O_WRONLY | O_CREAT, 0o600) }
                        throw Refused()
                    },
                ], manifest: { _ in Array("{}".utf8) }, workers: 2)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.root.path).sorted() == before)
        #expect(try String(contentsOf: out.root.appendingPathComponent("kept.txt"), encoding: .utf8) == "kept")
    }

    @Test func aPackageCutShortIsRefused() throws {
        let work = try NightPipelineTests.temporaryDirectory()
        let xlsx = work.appendingPathComponent("findings.xlsx")
        let parts = WorkbookXMLWriter.parts(findings: [], days: [])
        try WorkbookPackage.write(parts, to: xlsx.path)
        try WorkbookPackage.checkEnd(of: xlsx.path, entries: parts.count)
        #expect(throws: OutputError.self) { try WorkbookPackage.checkEnd(of: xlsx.path, entries: parts.count + 1) }
        let bytes = try Data(contentsOf: xlsx)
        for cut in [1, 22, bytes.count / 2, bytes.count] {
            try bytes.dropLast(cut).write(to: xlsx)
            #expect(throws: OutputError.self, "\(cut) bytes short") {
                try WorkbookPackage.checkEnd(of: xlsx.path, entries: parts.count)
            }
        }
    }

    @Test func scratchFilesAreNamedAsTemporariesAre() {
        let scratch = OutputDirectory.scratchPath(for: "/out/.findings.xlsx.tmp-42", part: "part")
        #expect(scratch == "/out/.findings.xlsx.part.tmp-42")
        #expect(OutputDirectory.isTemporaryName(".findings.xlsx.part.tmp-42"), "a later run's recovery removes it")
    }

    // MARK: - Helpers

    /// Sales, amounts in cents and findings by severity, from a day's figures and its findings' counts.
    static func figures(_ day: DayStats, _ counts: [Severity: Int]) -> [Int] {
        [
            day.sales, Int(day.salesAmount.cents), day.paid, Int(day.paidAmount.cents), day.receipted,
            Int(day.receiptedAmount.cents), day.offline, Int(day.offlineAmount.cents),
        ] + [Severity.critical, .action, .warning, .info].map { counts[$0] ?? 0 }
    }

    /// The same, from a row of the sheet.
    static func figures(_ row: [PythonWorkbook.Cell?]) -> [Int] {
        let columns = [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
        return columns.map { column in
            let number = row[column]?.number ?? -1
            return [3, 5, 7, 9].contains(column) ? Int((number * 100).rounded()) : Int(number)
        }
    }
}

extension Int128 {
    fileprivate func power(_ exponent: Int) -> Int128 {
        (0..<exponent).reduce(1) { value, _ in value * self }
    }
}
