import Foundation
import QuadraTestSupport
import Testing

/// `findings.xlsx`, read by an independent reader (Python's openpyxl, the ZIP by Python's zipfile): the same rows as
/// `findings.csv`, typed, and the day figures, for the sample night, a generated night and a preparation.
@Suite struct WorkbookTests {
    static let asOf = "2026-11-22T06:00:00+01:00"

    @Test func theSampleNightsWorkbookHoldsTheCSVAndTheDays() async throws {
        let out = try QuadraBinary.temporaryDirectory("xlsx-sample")
        let run = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", SampleNightTests.night, "--out", out.path, "--as-of", Self.asOf,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("\(out.path)/findings.xlsx"), "the summary names the workbook: \(run.stdout)")
        let workbook = try await Self.read(out)
        let csv = try #require(workbook.csv)
        #expect(workbook.sheets.map(\.name) == ["Findings", "Days"])
        Self.expectNoProblems(FindingsWorkbookCheck.packageProblems(workbook, sheets: 2))
        Self.expectNoProblems(FindingsWorkbookCheck.findingsProblems(workbook, csv: csv))
        Self.expectNoProblems(FindingsWorkbookCheck.daysProblems(workbook, csv: csv))
        // The checks above are not vacuous: the night has amounts, days and a day of sales.
        let rows = workbook.sheets[0].rows.dropFirst()
        #expect(rows.count == csv.count - 1 && rows.count > 20)
        #expect(rows.contains { $0[8]?.type == "n" } && rows.contains { $0[3]?.type == "d" })
        let days = workbook.sheets[1].rows
        #expect(days.count >= 3, "a day or more, and the total")
        #expect(((days.last?[2])??.number ?? 0) > 0, "the night has sales")
    }

    @Test func aGeneratedNightWithFormulaLikeTextsAgreesWithItsCSV() async throws {
        let root = try QuadraBinary.temporaryDirectory("xlsx-generated")
        let night = root.appendingPathComponent("night")
        let generate = try await QuadraBinary.runAsync([
            "generate", "--sales", "3000", "--pems", "4", "--terminals", "8", "--seed", "7", "--out", night.path,
            "--client-outage", "0.5", "--platform-outage", "0.5", "--incident", "0.5", "--double-charge", "0.01",
            "--bad-lines", "0.002",
        ])
        #expect(generate.status == 0, "\(generate.stderr)")
        // Sales whose ids a spreadsheet would run, each without a receipt, so each gets a finding.
        let ids = [
            #"=HYPERLINK(\"http://example.com\",\"x\")"#, "+1+1", "-2", "@SUM(A1)", #"\tT"#, #"\rR"#,
            " padded ", "accents àè€",
        ]
        var lines = ""
        for (index, id) in ids.enumerated() {
            lines +=
                #"{"ts":"2026-11-21T11:0\#(index):00+01:00","event":"sale","terminal":"=T9","sale":"\#(id)","pem":"E001-000001","total":"12.50","payment":"cash","lines":[{"vat":"22.00","gross":"12.50"}]}"#
                + "\n"
        }
        lines += "=not json\n"
        try Data(lines.utf8).write(to: night.appendingPathComponent("pos/T9.jsonl"))
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", night.path, "--out", out.path, "--as-of", Self.asOf, "--state",
            root.appendingPathComponent("none.sqlite").path,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let workbook = try await Self.read(out)
        let csv = try #require(workbook.csv)
        Self.expectNoProblems(FindingsWorkbookCheck.packageProblems(workbook, sheets: 2))
        Self.expectNoProblems(FindingsWorkbookCheck.findingsProblems(workbook, csv: csv))
        Self.expectNoProblems(FindingsWorkbookCheck.daysProblems(workbook, csv: csv))
        let codes = Set(csv.dropFirst().map { $0[0] })
        #expect(codes.count >= 12, "many kinds of findings: \(codes.sorted())")
        // Formula-like texts are plain strings, prefixed as in the CSV.
        let texts = workbook.sheets[0].rows.flatMap { $0.compactMap { $0 } }.filter { $0.type == "s" }
            .compactMap(\.text)
        for prefixed in [
            #"'=HYPERLINK("http://example.com","x")"#, "'+1+1", "'-2", "'@SUM(A1)", "'\tT", "'\rR", "'=T9",
        ] {
            #expect(texts.contains(prefixed), "\(prefixed.debugDescription) is a text cell")
        }
        #expect(texts.contains(" padded "), "spaces at the ends are kept")
        #expect(texts.contains("accents àè€"))
        #expect(texts.contains { $0.hasPrefix("pos/T9.jsonl:9: ") }, "the rejected line is reported")
    }

    @Test func aPreparationsWorkbookHoldsItsFindingsAndNoDays() async throws {
        let root = try QuadraBinary.temporaryDirectory("xlsx-prepare")
        let register = root.appendingPathComponent("register.csv")
        try Data(
            """
            pem,recorded_at,sale,payment,vat_rate_code,gross
            E001-000001,2026-11-21 10:00,S-1,cash,22.00,5.00
            E001-000001,2026-11-21 10:02,=S-2,cash,22.00,not money
            E001-000001,yesterday,S-3,cash,22.00,1.00

            """.utf8
        ).write(to: register)
        let out = root.appendingPathComponent("out")
        let prepare = try await QuadraBinary.runAsync([
            "prepare", "--out", out.path, "--as-of", Self.asOf, register.path,
        ])
        #expect(prepare.status == 1, "\(prepare.stderr)")
        let workbook = try await Self.read(out)
        let csv = try #require(workbook.csv)
        #expect(csv.count == 3, "two rejected rows: \(csv)")
        #expect(workbook.sheets.map(\.name) == ["Findings"])
        Self.expectNoProblems(FindingsWorkbookCheck.packageProblems(workbook, sheets: 1))
        Self.expectNoProblems(FindingsWorkbookCheck.findingsProblems(workbook, csv: csv))
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains(#""path": "findings.xlsx""#))
    }

    // MARK: - Helpers

    static func read(_ out: URL) async throws -> PythonWorkbook {
        try await PythonWorkbook.read(
            out.appendingPathComponent("findings.xlsx"), csv: out.appendingPathComponent("findings.csv"))
    }

    static func expectNoProblems(
        _ problems: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }
}
