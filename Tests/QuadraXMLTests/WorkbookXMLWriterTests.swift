import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

/// The workbook's parts as libxml2 writes them: dates as serial numbers, columns named as Excel names them, texts
/// cut at a cell's limit, and the parts a package needs, in order.
@Suite struct WorkbookXMLWriterTests {
    @Test func daysAreSerialNumbersFrom1900MarchOn() {
        #expect(WorkbookSheet.serialNumber(FiscalDay(year: 1970, month: 1, day: 1)) == 25_569)
        #expect(WorkbookSheet.serialNumber(FiscalDay(year: 2026, month: 11, day: 21)) == 46_347)
        #expect(WorkbookSheet.serialNumber(FiscalDay(year: 1900, month: 3, day: 1)) == 61)
        #expect(WorkbookSheet.serialNumber(FiscalDay(year: 9999, month: 12, day: 29)) == 2_958_463)
        #expect(WorkbookSheet.serialNumber(FiscalDay(year: 1900, month: 2, day: 28)) == nil)
        #expect(WorkbookSheet.serialNumber(FiscalDay(year: 1, month: 1, day: 3)) == nil)
    }

    @Test func columnsAreNamedAsExcelNamesThem() {
        #expect(
            [0, 10, 25, 26, 27, 701, 702].map(WorkbookSheet.columnName) == ["A", "K", "Z", "AA", "AB", "ZZ", "AAA"])
    }

    @Test func aTextLongerThanACellHoldsIsCut() {
        #expect(WorkbookSheet.limited("short") == "short")
        let exact = String(repeating: "a", count: 32_767)
        #expect(WorkbookSheet.limited(exact) == exact)
        // Characters outside the BMP count two UTF-16 units, as Excel counts them; none is split.
        let long = String(repeating: "😀", count: 20_000)
        let cut = WorkbookSheet.limited(long)
        #expect(cut.utf16.count == 32_767)
        #expect(cut.hasSuffix("…") && cut.dropLast().allSatisfy { $0 == "😀" })
    }

    @Test func thePartsAreThoseOfAMinimalPackageInOrder() throws {
        let finding = Finding(code: .receiptMissing, pem: "E001-000001", detail: "=1+1")
        let run = WorkbookXMLWriter.parts(findings: [finding], days: [])
        #expect(
            run.map(\.path) == [
                "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
            ])
        let prepared = WorkbookXMLWriter.parts(findings: [], days: nil)
        #expect(prepared.map(\.path).last == "xl/worksheets/sheet1.xml")
        let types = String(decoding: try run[0].bytes(), as: UTF8.self)
        #expect(types.hasPrefix(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#))
        #expect(types.contains(#"<Override PartName="/xl/worksheets/sheet2.xml""#))
        let workbook = String(decoding: try run[2].bytes(), as: UTF8.self)
        #expect(workbook.contains(#"<sheet name="Findings" sheetId="1" r:id="rId1"/>"#))
        // The finding has no day: the sheet Days has its row of findings without PEM or day.
        #expect(workbook.contains(#"localSheetId="1" hidden="1">Days!$A$1:$O$2</definedName>"#))
        let styles = String(decoding: try run[4].bytes(), as: UTF8.self)
        #expect(styles.contains(##"<numFmt numFmtId="164" formatCode="#,##0.00 &quot;€&quot;"/>"##))
        let sheet = String(decoding: try run[5].bytes(), as: UTF8.self)
        #expect(sheet.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        #expect(sheet.contains(#"<autoFilter ref="A1:K2"/>"#))
        #expect(
            sheet.contains(#"<c r="J2" t="inlineStr"><is><t>'=1+1</t></is></c>"#), "a formula-like text is a string")
        #expect(!sheet.contains("<f>"), "never a formula")
    }

    @Test func thePartsAreTheSameEachTime() throws {
        let findings = (0..<50).map {
            Finding(
                code: .receiptMissing, pem: "E001-000001", sale: "S-\($0)", amount: Money(cents: Int64($0)), detail: "d"
            )
        }
        let first = try WorkbookXMLWriter.parts(findings: findings, days: []).map { try $0.bytes() }
        let second = try WorkbookXMLWriter.parts(findings: findings, days: []).map { try $0.bytes() }
        #expect(first == second)
    }
}
