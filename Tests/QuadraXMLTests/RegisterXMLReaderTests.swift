import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

@Suite struct RegisterXMLReaderTests {
    private func read(_ fixture: String) -> RegisterReadResult {
        RegisterXMLReader.read(url: TestSupport.fixture(fixture), displayPath: "emergency/\(fixture)", timeZone: .rome)
    }

    private func vat(_ code: String) throws -> VatCode { try #require(VatCode(code)) }

    @Test func validRegisterGivesExactEntries() throws {
        let result = read("valid/register.xml")
        let file = "emergency/valid/register.xml"
        let day21 = FiscalDay(year: 2026, month: 11, day: 21)
        let expected = [
            RegisterEntry(
                pem: "E001-000001", recordedAt: Instant(millis: 1_795_284_120_000), fiscalDay: day21, sale: "S-0042",
                payment: .electronic, lines: [VatAmount(vat: try vat("22.00"), gross: Money(cents: 1000))],
                source: SourceLocation(file: file, line: 4)),
            // Naive local time, decimal comma, several lines, rates written 10,00 and 22.
            RegisterEntry(
                pem: "E001-000001", recordedAt: Instant(millis: 1_795_284_900_000), fiscalDay: day21, sale: "S-0043",
                payment: .cash,
                lines: [
                    VatAmount(vat: try vat("10.00"), gross: Money(cents: 450)),
                    VatAmount(vat: try vat("22.00"), gross: Money(cents: 1250)),
                    VatAmount(vat: try vat("N2"), gross: Money(cents: 100)),
                ],
                source: SourceLocation(file: file, line: 7)),
            // No sale, naive local time with a T and seconds.
            RegisterEntry(
                pem: "E001-000001", recordedAt: Instant(millis: 1_795_290_030_000), fiscalDay: day21, sale: nil,
                payment: .ticket, lines: [VatAmount(vat: try vat("4.00"), gross: Money(cents: 800))],
                source: SourceLocation(file: file, line: 12)),
            // 23:30 UTC is 00:30 in Rome: the next fiscal day.
            RegisterEntry(
                pem: "E001-000001", recordedAt: Instant(millis: 1_795_303_800_000),
                fiscalDay: FiscalDay(year: 2026, month: 11, day: 22), sale: "S-0050", payment: .electronic,
                lines: [VatAmount(vat: try vat("5.00"), gross: Money(cents: 300))],
                source: SourceLocation(file: file, line: 15)),
        ]
        #expect(result.diagnostics == [])
        #expect(result.entries == expected)
        #expect(result.recordsRead == 4)
        #expect(result.recordsRejected == 0)
        #expect(result.entries[1].gross == Money(cents: 1800))
    }

    @Test func emptyRegisterIsValidAndHasNoEntries() {
        let result = read("valid/empty-register.xml")
        #expect(result.entries.isEmpty)
        #expect(result.diagnostics.isEmpty)
        #expect(result.recordsRead == 0)
    }

    @Test func malformedXMLIsRejectedWholeWithItsLine() throws {
        let result = read("invalid/malformed.xml")
        #expect(result.entries.isEmpty)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.wholeFile)
        #expect(diagnostic.location == SourceLocation(file: "emergency/invalid/malformed.xml", line: 8))
        #expect(
            diagnostic.message
                == "not well-formed XML, so the whole file is rejected: 1 error: line 8: "
                + "Opening and ending tag mismatch: line line 7 and entry")
        #expect(result.recordsRejected == max(result.recordsRead, 1))
    }

    /// Found by scripts/fuzz.sh: bytes that the declared encoding cannot convert. libxml2 raises that error without a
    /// parser, so it missed the reader's handler: it went to standard error, and the rejection said only that
    /// libxml2 stopped "without saying why". Now it is the rejection's reason.
    @Test func bytesTheDeclaredEncodingCannotConvertAreTheReasonGiven() throws {
        let result = read("invalid/undecodable.xml")
        #expect(result.entries.isEmpty)
        #expect(
            result.diagnostics.map(\.description) == [
                "emergency/invalid/undecodable.xml:2: not well-formed XML, so the whole file is rejected: 2 errors: "
                    + "input conversion failed due to input error, bytes 0xFF 0xFF 0x7F 0x76; encoder error"
            ])
        let validation = SchemaValidator.validate(
            url: TestSupport.fixture("invalid/undecodable.xml"), displayPath: "u.xml")
        #expect(!validation.isValid)
        #expect(
            validation.diagnostics.map(\.message) == [
                "input conversion failed due to input error, bytes 0xFF 0xFF 0x7F 0x76", "encoder error",
            ])
    }

    @Test func schemaViolationsAreRejectedWholeWithEveryErrorAndLine() throws {
        let result = read("invalid/missing-gross.xml")
        #expect(result.entries.isEmpty)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.wholeFile)
        #expect(diagnostic.location == SourceLocation(file: "emergency/invalid/missing-gross.xml", line: 5))
        #expect(
            diagnostic.message.hasPrefix(
                "does not match the emergency register schema (emergency-register.xsd), so the whole file is rejected: "
                    + "2 errors: "))
        #expect(diagnostic.message.contains("line 5: Element 'line': The attribute 'gross' is required but missing."))
        #expect(
            diagnostic.message.contains(
                "line 7: Element 'entry', attribute 'payment': [facet 'enumeration'] The value 'card'"))
        #expect(result.recordsRead == 2)
        #expect(result.recordsRejected == 2)
    }

    @Test func badValuesRejectOnlyTheirEntry() throws {
        let result = read("invalid/bad-values.xml")
        let file = "emergency/invalid/bad-values.xml"
        #expect(result.entries.map(\.source.line) == [3, 16])
        #expect(result.entries.map(\.sale) == ["S-0042", "S-0046"])
        #expect(result.entries.last?.lines == [VatAmount(vat: try vat("N1"), gross: Money(cents: 725))])
        #expect(
            result.diagnostics == [
                Diagnostic(
                    location: SourceLocation(file: file, line: 6),
                    message: "bad vatRateCode (line 7): expected a rate A-Cube lists (4.00, 5.00, 10.00, 22.00…) "
                        + "or N1…N6, found \"23.00\"; the entry is rejected"),
                Diagnostic(
                    location: SourceLocation(file: file, line: 9),
                    message: "bad recordedAt: expected RFC 3339 or YYYY-MM-DD HH:MM[:SS], found \"21/11/2026\"; "
                        + "the entry is rejected"),
                Diagnostic(
                    location: SourceLocation(file: file, line: 12),
                    message: "bad gross (line 14): expected euros greater than zero with at most two decimals "
                        + "(12.50 or 12,50), found \"0,00\"; the entry is rejected"),
            ])
        #expect(result.diagnostics.allSatisfy { !$0.wholeFile })
        #expect(result.recordsRead == 5)
        #expect(result.recordsRejected == 3)
    }

    @Test func rootInAnotherNamespaceIsRejectedWhole() throws {
        let result = read("invalid/wrong-namespace.xml")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.entries.isEmpty)
        #expect(diagnostic.wholeFile)
        #expect(diagnostic.location.line == 2)
        #expect(diagnostic.message.contains("No matching global declaration available for the validation root"))
    }

    @Test func linesPast65535AreExact() throws {
        var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        text += #"<emergencyRegister xmlns="urn:quadra:emergency-register:1" pem="E001-000001">"#
        text += String(repeating: "\n", count: 70_000)  // the first entry starts on line 70 002
        text +=
            #"<entry recordedAt="2026-11-21 19:00" sale=" " payment="cash"><line vatRateCode="22" gross="1"/></entry>"#
        text += "\n" + #"<entry recordedAt="2026-11-21 19:00:00" sale="S-9" payment="cash">"# + "\n"
        text += #"  <line vatRateCode="22" gross="2"/>"# + "\n</entry>\n"
        // Line 70 006: a comment with markup in it, then an entry whose start tag spans three lines and holds
        // a quoted '>'.
        text += "<!-- <entry> in a comment\r\n -->\r\n<entry\r\n  recordedAt=\"2026-11-21 19:00\" sale=\"a>b\"\r\n"
        text += "  payment=\"cash\"><line vatRateCode=\"22\" gross=\"3\"/></entry>\n</emergencyRegister>\n"
        let url = try TestSupport.temporaryFile(named: "long.xml", text: text)
        let result = RegisterXMLReader.read(url: url, displayPath: "long.xml", timeZone: .rome)
        #expect(result.diagnostics == [])
        #expect(result.entries.map(\.source.line) == [70_002, 70_003, 70_008])
        // A blank sale attribute names no sale.
        #expect(result.entries.map(\.sale) == [nil, "S-9", "a>b"])
        #expect(result.entries.map(\.gross) == [Money(cents: 100), Money(cents: 200), Money(cents: 300)])
        #expect(result.entries.allSatisfy { $0.recordedAt == Instant(millis: 1_795_284_000_000) })
    }

    @Test func utf16RegisterIsReadWithLibxml2Lines() throws {
        let text = try String(contentsOf: TestSupport.fixture("valid/register.xml"), encoding: .utf8)
            .replacing("UTF-8", with: "UTF-16")
        var bytes: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 {
            bytes.append(UInt8(unit >> 8))
            bytes.append(UInt8(unit & 0xFF))
        }
        let url = try TestSupport.temporaryFile(named: "register16.xml", bytes: bytes)
        let result = RegisterXMLReader.read(url: url, displayPath: "r16.xml", timeZone: .rome)
        #expect(result.diagnostics == [])
        #expect(result.entries.map(\.source.line) == [4, 7, 12, 15])
        #expect(result.entries.map(\.sale) == ["S-0042", "S-0043", nil, "S-0050"])
    }

    @Test func aSchemaErrorPast65535HasItsExactLine() throws {
        var text = #"<emergencyRegister xmlns="urn:quadra:emergency-register:1" pem="P">"#
        text += String(repeating: "\n", count: 66_000)
        text += #"<entry payment="cash"><line vatRateCode="22" gross="1"/></entry></emergencyRegister>"#
        let url = try TestSupport.temporaryFile(named: "long-invalid.xml", text: text)
        let result = RegisterXMLReader.read(url: url, displayPath: "long-invalid.xml", timeZone: .rome)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.line == 66_001)
        #expect(
            diagnostic.message.contains(
                "line 66001: Element 'entry': The attribute 'recordedAt' is required but missing."))
    }

    @Test func manyErrorsAreCappedAndCounted() throws {
        var text = #"<emergencyRegister xmlns="urn:quadra:emergency-register:1" pem="P">"# + "\n"
        for _ in 0..<25 {
            text += #"<entry recordedAt="2026-11-21 19:00" payment="cash"><line vatRateCode="22"/></entry>"# + "\n"
        }
        text += "</emergencyRegister>\n"
        let url = try TestSupport.temporaryFile(named: "many.xml", text: text)
        let result = RegisterXMLReader.read(url: url, displayPath: "many.xml", timeZone: .rome)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.entries.isEmpty)
        #expect(diagnostic.location.line == 2)
        #expect(diagnostic.message.contains("25 errors: line 2: Element 'line'"))
        #expect(diagnostic.message.contains("line 21: Element 'line'"))
        #expect(!diagnostic.message.contains("line 22:"))
        #expect(diagnostic.message.hasSuffix("; and 5 more errors"))
        #expect(result.recordsRead == 25)
        #expect(result.recordsRejected == 25)
    }

    @Test func aMissingFileIsRejectedWhole() throws {
        let url = TestSupport.fixture("valid/no-such-register.xml")
        let result = RegisterXMLReader.read(url: url, displayPath: "emergency/none.xml", timeZone: .rome)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.wholeFile)
        #expect(diagnostic.description == "emergency/none.xml: cannot read the file: No such file or directory")
    }

    @Test func aDirectoryIsRejectedWhole() throws {
        let result = RegisterXMLReader.read(
            url: TestSupport.fixture("valid"), displayPath: "emergency/x", timeZone: .rome)
        #expect(result.diagnostics.map(\.message) == ["cannot read the file: it is a directory, not a file"])
    }
}
