import Foundation
import Testing

@testable import QuadraCore

@Suite struct CSVRegisterReaderTests {
    // MARK: - Helpers

    private static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/registers")

    private static func read(_ name: String) throws -> RegisterReadResult {
        try CSVRegisterReader.read(
            url: fixtures.appendingPathComponent(name), displayPath: "emergency/\(name)", timeZone: .rome
        ).result
    }

    private static func parse(_ text: String) -> RegisterReadResult {
        CSVRegisterReader.parse(Array(text.utf8), displayPath: "emergency/r.csv", timeZone: .rome)
    }

    private static let header = "pem,recorded_at,sale,payment,vat_rate_code,gross\n"

    /// The one diagnostic of a register with a header and one bad row on line 2.
    private static func rowMessage(_ row: String) -> String? {
        let result = parse(header + row + "\n")
        #expect(result.entries.isEmpty)
        #expect(result.recordsRead == 1)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.location == SourceLocation(file: "emergency/r.csv", line: 2))
        #expect(result.diagnostics.first?.wholeFile == false)
        return result.diagnostics.first?.message
    }

    private static func vat(_ code: String) -> VatCode {
        guard let vat = VatCode(code) else { fatalError("bad VAT code in a test: \(code)") }
        return vat
    }

    private static func day(_ text: String) -> FiscalDay? { FiscalDay.parse(text) }

    // MARK: - Valid registers

    @Test func commaFile() throws {
        let url = Self.fixtures.appendingPathComponent("valid/comma.csv")
        let (result, sha256, bytes) = try CSVRegisterReader.read(
            url: url, displayPath: "emergency/comma.csv", timeZone: .rome)
        let raw = [UInt8](try Data(contentsOf: url))
        #expect(sha256 == SHA256.hexDigest(of: raw))
        #expect(bytes == Int64(raw.count))
        #expect(result.diagnostics.isEmpty)
        #expect(result.recordsRead == 3)
        #expect(result.recordsRejected == 0)
        #expect(result.entries.count == 3)

        let first = try #require(result.entries.first)
        #expect(first.pem == "E001-000001")
        #expect(first.recordedAt.utcString == "2026-11-21T18:02:00Z")
        #expect(first.fiscalDay == Self.day("2026-11-21"))
        #expect(first.sale == "S-0042")
        #expect(first.payment == .electronic)
        #expect(first.lines == [VatAmount(vat: Self.vat("22.00"), gross: Money(cents: 1000))])
        #expect(first.source == SourceLocation(file: "emergency/comma.csv", line: 2))

        let second = result.entries[1]
        #expect(second.recordedAt.utcString == "2026-11-21T18:05:00Z")
        #expect(second.payment == .cash)
        #expect(second.lines == [VatAmount(vat: Self.vat("10.00"), gross: Money(cents: 450))])
        #expect(second.source.line == 3)

        // Line 4 is blank; the row on line 5 has spaces around its time and no sale.
        let third = result.entries[2]
        #expect(third.source.line == 5)
        #expect(third.sale == nil)
        #expect(third.payment == .ticket)
        #expect(third.recordedAt.utcString == "2026-11-21T18:10:30Z")
        #expect(third.lines == [VatAmount(vat: Self.vat("N1"), gross: Money(cents: 300))])
    }

    @Test func semicolonFileWithDecimalCommaBOMAndCRLF() throws {
        let result = try Self.read("valid/semicolon-bom-crlf.csv")
        #expect(result.diagnostics.isEmpty)
        #expect(result.recordsRead == 3)
        #expect(result.entries.map(\.source.line) == [2, 4, 5])
        #expect(result.entries.map(\.pem) == ["E001-000001", "E001-000001", "E002-000007"])
        #expect(result.entries.map(\.gross) == [Money(cents: 1050), Money(cents: 125), Money(cents: 123_400)])
        #expect(result.entries.map { $0.lines[0].vat.code } == ["22.00", "4.00", "N3"])
        #expect(result.entries[2].recordedAt.utcString == "2026-11-21T18:40:00Z")
        #expect(result.entries[2].sale == "S-0100")
    }

    @Test func naiveAndOffsetTimesAroundMidnight() throws {
        let result = try Self.read("valid/midnight.csv")
        #expect(result.diagnostics.isEmpty)
        #expect(result.entries.count == 2)
        // Naive local time in Europe/Rome (UTC+1 in November).
        #expect(result.entries[0].recordedAt.utcString == "2026-11-21T22:30:00Z")
        #expect(result.entries[0].fiscalDay == Self.day("2026-11-21"))
        // An offset time: 23:30Z is 00:30 the next day in Rome.
        #expect(result.entries[1].recordedAt.utcString == "2026-11-21T23:30:00Z")
        #expect(result.entries[1].fiscalDay == Self.day("2026-11-22"))
    }

    @Test func naiveTimeInAnotherZone() throws {
        let zone = try #require(FiscalTimeZone(identifier: "America/New_York"))
        let result = CSVRegisterReader.parse(
            Array((Self.header + "E1,2026-07-01 20:00,S,cash,22,1\n").utf8), displayPath: "r.csv", timeZone: zone)
        #expect(result.entries.first?.recordedAt.utcString == "2026-07-02T00:00:00Z")
        #expect(result.entries.first?.fiscalDay == Self.day("2026-07-01"))
    }

    @Test func quotedFields() throws {
        let result = try Self.read("valid/quoted.csv")
        #expect(result.diagnostics.isEmpty)
        #expect(result.recordsRead == 3)
        #expect(result.entries.map(\.sale) == ["S-0042, table 4", "S-0044\nsecond line", "S-0045"])
        // A row's line is where it starts: the second row spans lines 3 to 6.
        #expect(result.entries.map(\.source.line) == [2, 3, 7])
        #expect(result.entries[0].pem == "E001-000001")
        #expect(result.entries[0].gross == Money(cents: 1000))
        #expect(result.entries[0].recordedAt.utcString == "2026-11-21T18:02:00Z")
    }

    @Test func doubledQuotesBecomeOneQuote() {
        let result = Self.parse(Self.header + "E1,2026-11-21 19:02,\"say \"\"hi\"\"\",cash,22,1\n")
        #expect(result.entries.first?.sale == "say \"hi\"")
    }

    @Test func quotedFieldsKeepTheirSpacesUnquotedOnesAreTrimmed() {
        let result = Self.parse(Self.header + "  E1 ,2026-11-21 19:02, \" S 1 \" ,cash , 22 ,\t1.00\t\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.entries.first?.pem == "E1")
        #expect(result.entries.first?.sale == " S 1 ")
        #expect(result.entries.first?.payment == .cash)
        #expect(result.entries.first?.gross == Money(cents: 100))
    }

    @Test func columnsInAnotherOrderWithAnExtraColumn() throws {
        let result = try Self.read("valid/reordered.csv")
        #expect(result.diagnostics.isEmpty)
        #expect(result.entries.count == 2)
        let first = try #require(result.entries.first)
        #expect(first.pem == "E001-000001")
        #expect(first.sale == "S-0042")
        #expect(first.payment == .electronic)
        #expect(first.gross == Money(cents: 1000))
        #expect(first.lines[0].vat.code == "22.00")
        #expect(result.entries[1].sale == nil)
        #expect(result.entries[1].gross == Money(cents: 720))
        #expect(result.entries[1].recordedAt.utcString == "2026-11-21T19:15:00Z")
    }

    @Test func formulaLeadingCellsAreReadAsPlainText() throws {
        let result = try Self.read("valid/formula.csv")
        #expect(result.diagnostics.isEmpty)
        #expect(result.entries.map(\.sale) == ["=cmd|' /C calc'!A0", "@SUM(A1:A9)"])
    }

    @Test func headerOnlyAndLeadingBlankLines() {
        let result = Self.parse("\n\n" + Self.header + "\n")
        #expect(result.entries.isEmpty)
        #expect(result.diagnostics.isEmpty)
        #expect(result.recordsRead == 0)

        let shifted = Self.parse("\n  \n" + Self.header + "E1,2026-11-21 19:02,S,cash,22,1")
        #expect(shifted.entries.first?.source.line == 4)
    }

    @Test func lastRowWithoutLineEnd() {
        let crlf = Self.parse(
            "pem,recorded_at,sale,payment,vat_rate_code,gross\r\nE1,2026-11-21 19:02,\"S\r\n1\",cash,22,\"1\"\r")
        #expect(crlf.diagnostics.isEmpty)
        #expect(crlf.entries.first?.sale == "S\r\n1")
        #expect(crlf.entries.first?.gross == Money(cents: 100))

        let bare = Self.parse(Self.header + "E1,2026-11-21 19:02,S,cash,22,2.5")
        #expect(bare.entries.first?.gross == Money(cents: 250))
        #expect(bare.recordsRead == 1)
    }

    @Test func rowOfEmptyFieldsIsABadRowNotABlankLine() {
        #expect(
            Self.rowMessage(",,,,,")
                == "missing pem: expected the PEM serial number like E001-000001, found an empty field")
    }

    @Test func paymentIsReadInAnyCase() {
        let result = Self.parse(Self.header + "E1,2026-11-21 19:02,S,Electronic,n2,1\n")
        #expect(result.entries.first?.payment == .electronic)
        #expect(result.entries.first?.lines.first?.vat.code == "N2")
    }

    @Test func semicolonHeaderWithCommaInsideDecimalsIsDetected() {
        let result = Self.parse(
            "pem;recorded_at;sale;payment;vat_rate_code;gross\nE1;2026-11-21 19:02;S,1;cash;22,00;1,50\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.entries.first?.sale == "S,1")
        #expect(result.entries.first?.gross == Money(cents: 150))
    }

    // MARK: - Bad rows

    @Test func eachKindOfBadRowIsRejectedAlone() throws {
        let result = try Self.read("invalid/bad-rows.csv")
        #expect(result.recordsRead == 12)
        #expect(result.entries.map(\.source.line) == [2, 13])
        #expect(result.recordsRejected == 10)
        let messages = result.diagnostics.map { "\($0.location.line ?? 0): \($0.message)" }
        #expect(
            messages == [
                "3: row has 5 fields, expected 6 (the header's)",
                "4: bad payment: expected cash, electronic or ticket, found \"card\"",
                "5: bad gross: expected a decimal amount above zero like 12.50 or 12,50, found \"abc\"",
                "6: bad gross: expected a decimal amount above zero like 12.50 or 12,50, found \"0.00\"",
                "7: bad gross: expected a decimal amount above zero like 12.50 or 12,50, found \"-3.00\"",
                "8: bad vat_rate_code: expected a rate A-Cube lists like 22.00 or a natura code N1 to N6, "
                    + "found \"23.00\"",
                "9: bad recorded_at: expected a time like 2026-11-21T19:02:00+01:00 or 2026-11-21 19:02, "
                    + "found \"21/11/2026 19:09\"",
                "10: missing pem: expected the PEM serial number like E001-000001, found an empty field",
                "11: row has 7 fields, expected 6 (the header's)",
                "12: bad quoting: expected the delimiter or the end of the row after a closing quote, found \"x\"",
            ])
        #expect(result.diagnostics.allSatisfy { $0.location.file == "emergency/invalid/bad-rows.csv" && !$0.wholeFile })
        #expect(
            result.diagnostics.first?.description
                == "emergency/invalid/bad-rows.csv:3: row has 5 fields, expected 6 (the header's)")
    }

    @Test func singleBadRowMessages() {
        #expect(
            Self.rowMessage("E1,2026-11-21 19:02,S,card,22.00,5")
                == "bad payment: expected cash, electronic or ticket, found \"card\"")
        #expect(
            Self.rowMessage("E1,2026-11-21 19:02,S,cash,22.00,12.505")
                == "bad gross: expected a decimal amount above zero like 12.50 or 12,50, found \"12.505\"")
        #expect(
            Self.rowMessage("E1,2026-11-21 19:02,S,cash,22.00,")
                == "bad gross: expected a decimal amount above zero like 12.50 or 12,50, found \"\"")
        #expect(Self.rowMessage("E1") == "row has 1 field, expected 6 (the header's)")
        #expect(
            Self.rowMessage("E1,2026-11-21 19:02:00+0100,S,cash,22.00,1")
                == "bad recorded_at: expected a time like 2026-11-21T19:02:00+01:00 or 2026-11-21 19:02, "
                + "found \"2026-11-21 19:02:00+0100\"")
        #expect(
            Self.rowMessage("E1,2026-02-30 19:02,S,cash,22.00,1")
                == "bad recorded_at: expected a time like 2026-11-21T19:02:00+01:00 or 2026-11-21 19:02, "
                + "found \"2026-02-30 19:02\"")
        #expect(
            Self.rowMessage("E1,2026-11-21 19:02,S,cash,N7,1")
                == "bad vat_rate_code: expected a rate A-Cube lists like 22.00 or a natura code N1 to N6, found \"N7\"")
        #expect(
            Self.rowMessage("\"\",2026-11-21 19:02,S,cash,22,1")
                == "missing pem: expected the PEM serial number like E001-000001, found an empty field")
    }

    @Test func longValuesAreCutInMessages() {
        let long = String(repeating: "x", count: 80)
        let shown = String(repeating: "x", count: 60) + "…"
        #expect(
            Self.rowMessage("E1,2026-11-21 19:02,S,\(long),22,1")
                == "bad payment: expected cash, electronic or ticket, found \"\(shown)\"")
    }

    @Test func invalidUTF8RowIsRejectedAlone() throws {
        let result = try Self.read("invalid/latin1.csv")
        #expect(result.recordsRead == 3)
        #expect(result.entries.map(\.source.line) == [2, 4])
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.location.line == 3)
        #expect(
            result.diagnostics.first?.message
                == "invalid UTF-8 in column sale: expected UTF-8 text, found the byte 0xE8; save the file as UTF-8")
    }

    @Test func validMultibyteUTF8IsKept() {
        let result = Self.parse(Self.header + "E1,2026-11-21 19:02,Caffè ☕️ 𝄞,cash,22,1\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.entries.first?.sale == "Caffè ☕️ 𝄞")
    }

    @Test(arguments: [
        [0xC0, 0xAF] as [UInt8],  // overlong
        [0xED, 0xA0, 0x80],  // surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xE2, 0x82],  // cut short
        [0xFF],
    ])
    func malformedUTF8Sequences(bytes: [UInt8]) {
        let row = Array("E1,2026-11-21 19:02,".utf8) + bytes + Array(",cash,22,1\n".utf8)
        let result = CSVRegisterReader.parse(Array(Self.header.utf8) + row, displayPath: "r.csv", timeZone: .rome)
        #expect(result.entries.isEmpty)
        #expect(result.diagnostics.first?.message.hasPrefix("invalid UTF-8 in column sale: ") == true)
    }

    @Test func unterminatedQuoteRejectsItsRowAndReadingResumes() throws {
        let result = try Self.read("invalid/unterminated-quote.csv")
        #expect(result.recordsRead == 2)
        #expect(result.diagnostics.map(\.location.line) == [2])
        #expect(
            result.diagnostics.first?.message
                == "unterminated quoted field: expected a closing \" before the end of the file")
        #expect(result.entries.map(\.source.line) == [3])
        #expect(result.entries.first?.sale == "S-0043")
    }

    // MARK: - Whole-file rejections

    @Test func missingColumnRejectsTheWholeFile() throws {
        let result = try Self.read("invalid/missing-column.csv")
        #expect(result.entries.isEmpty)
        #expect(result.diagnostics.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.wholeFile)
        #expect(diagnostic.location == SourceLocation(file: "emergency/invalid/missing-column.csv", line: 1))
        #expect(
            diagnostic.message
                == "missing columns payment, gross: expected a header naming pem, recorded_at, sale, payment, "
                + "vat_rate_code and gross (in any order), found \"pem,recorded_at,sale,vat_rate_code,amount\"")
        #expect(result.recordsRead == 1)
        #expect(result.recordsRejected == 1)
    }

    @Test func oneMissingColumn() {
        let result = Self.parse("pem;recorded_at;sale;payment;vat_rate_code\r\nE1;2026-11-21 19:02;S;cash;22\r\n")
        #expect(
            result.diagnostics.map(\.message) == [
                "missing column gross: expected a header naming pem, recorded_at, sale, payment, vat_rate_code "
                    + "and gross (in any order), found \"pem;recorded_at;sale;payment;vat_rate_code\""
            ])
        #expect(result.diagnostics.first?.wholeFile == true)
    }

    @Test func duplicateColumnRejectsTheWholeFile() {
        let rows = "E1,2026-11-21 19:02,S,cash,22,1,1\n\nE1,2026-11-21 19:03,S,cash,22,1,1\n"
        let result = Self.parse("pem,recorded_at,sale,payment,vat_rate_code,gross,gross\n" + rows)
        #expect(result.entries.isEmpty)
        #expect(result.diagnostics.count == 1)
        #expect(result.recordsRead == 2)
        #expect(result.recordsRejected == 2)
        #expect(result.diagnostics.first?.wholeFile == true)
        #expect(
            result.diagnostics.first?.message
                == "column gross appears twice in the header: expected each of pem, recorded_at, sale, payment, "
                + "vat_rate_code and gross once, found \"pem,recorded_at,sale,payment,vat_rate_code,gross,gross\"")
    }

    @Test func emptyFileIsRejectedWhole() throws {
        let result = try Self.read("invalid/empty.csv")
        #expect(result.entries.isEmpty)
        #expect(
            result.diagnostics == [
                Diagnostic(
                    location: SourceLocation(file: "emergency/invalid/empty.csv"),
                    message: "no header row: expected a header naming pem, recorded_at, sale, payment, vat_rate_code "
                        + "and gross, found an empty file",
                    wholeFile: true)
            ])
    }

    @Test func malformedHeaderRejectsTheWholeFile() {
        let result = Self.parse(
            "pem,\"recorded_at\"x,sale,payment,vat_rate_code,gross\nE1,2026-11-21 19:02,S,cash,22,1\n")
        #expect(
            result.diagnostics == [
                Diagnostic(
                    location: SourceLocation(file: "emergency/r.csv", line: 1),
                    message: "bad header: bad quoting: expected the delimiter or the end of the row after a closing "
                        + "quote, found \"x\"",
                    wholeFile: true)
            ])
        #expect(result.recordsRead == 1)
    }

    @Test func unreadableFileThrowsNamingThePath() {
        let url = Self.fixtures.appendingPathComponent("valid/absent.csv")
        let error = #expect(throws: FileReadError.self) {
            try CSVRegisterReader.read(url: url, displayPath: "emergency/absent.csv", timeZone: .rome)
        }
        #expect(error?.description.hasPrefix(url.path + ": cannot open the file") == true)
    }
}
