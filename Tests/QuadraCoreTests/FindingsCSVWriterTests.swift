import Foundation
import Testing

@testable import QuadraCore

@Suite struct FindingsCSVWriterTests {
    private static let header =
        "code,severity,pem,fiscal_day,terminal,sale,pos_ref_id,receipt_uuid,amount,detail,action\r\n"

    private static func text(_ findings: [Finding]) -> String {
        String(decoding: FindingsCSVWriter.render(findings), as: UTF8.self)
    }

    /// The cells of the single data row, split naively (valid only when no cell is quoted).
    private static func cells(of finding: Finding) -> [String] {
        let lines = text([finding]).components(separatedBy: "\r\n")
        return lines[1].components(separatedBy: ",")
    }

    @Test func exactBytesForTwoFindings() {
        let findings = [
            Finding(
                code: .receiptMissing, pem: "E001-000001", fiscalDay: FiscalDay(year: 2026, month: 11, day: 21),
                terminal: "P1T1", sale: "S-0042", amount: Money(cents: 1250),
                detail: "paid sale S-0042 (12.50, electronic) has no receipt and is in no register"),
            Finding(
                code: .inputRejected, amount: nil,
                detail: "pos/p1.jsonl:7: bad JSON: expected a value, found \"}\"",
                subjectRest: ["pos/p1.jsonl", "7"]),
        ]
        let expected =
            Self.header
            + "RECEIPT_MISSING,action,E001-000001,2026-11-21,P1T1,S-0042,,,12.50,"
            + "\"paid sale S-0042 (12.50, electronic) has no receipt and is in no register\",issue the receipt\r\n"
            + "INPUT_REJECTED,warning,,,,,,,,"
            + "\"pos/p1.jsonl:7: bad JSON: expected a value, found \"\"}\"\"\",fix the source\r\n"
        #expect(FindingsCSVWriter.render(findings) == Array(expected.utf8))
    }

    @Test func charactersNoReportCanHoldBecomeTheReplacementCharacterAsInTheXML() {
        let finding = Finding(code: .communicationIncident, detail: "a\u{0}b\u{1B}c\u{FFFF}d\te")
        #expect(
            Self.text([finding]) == Self.header
                + "COMMUNICATION_INCIDENT,info,,,,,,,,a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te,none\r\n")
    }

    @Test func headerOnlyWhenThereAreNoFindings() {
        #expect(FindingsCSVWriter.render([]) == Array(Self.header.utf8))
    }

    @Test func everyOptionalAttributeEmpty() {
        let finding = Finding(code: .communicationIncident, detail: "restored")
        #expect(Self.text([finding]) == Self.header + "COMMUNICATION_INCIDENT,info,,,,,,,,restored,none\r\n")
    }

    @Test func allColumnsInOrder() {
        let finding = Finding(
            code: .doubleCharge, pem: "E1", fiscalDay: FiscalDay(year: 2026, month: 1, day: 2), terminal: "T",
            sale: "S", posRefId: "R", receiptUuid: "U", amount: Money(cents: 5), detail: "d")
        #expect(
            Self.cells(of: finding) == [
                "DOUBLE_CHARGE", "critical", "E1", "2026-01-02", "T", "S", "R", "U", "0.05", "d",
                "refund the extra charge",
            ])
    }

    @Test(arguments: ["=", "+", "-", "@"])
    func formulaLeadsAreDefused(lead: String) {
        let finding = Finding(code: .orphanReceipt, sale: lead + "cmd", detail: lead + "1+2")
        let cells = Self.cells(of: finding)
        #expect(cells[5] == "'" + lead + "cmd")
        #expect(cells[9] == "'" + lead + "1+2")
    }

    @Test func tabLeadIsDefused() {
        let finding = Finding(code: .orphanReceipt, terminal: "\tT1", detail: "x")
        #expect(Self.cells(of: finding)[4] == "'\tT1")
    }

    @Test func carriageReturnLeadIsDefusedAndQuoted() {
        let finding = Finding(code: .orphanReceipt, receiptUuid: "\r=HYPERLINK()", detail: "x")
        #expect(
            Self.text([finding])
                == Self.header + "ORPHAN_RECEIPT,warning,,,,,,\"'\r=HYPERLINK()\",,x,check the POS\r\n")
    }

    @Test func defusingAppliesToEveryTextColumn() {
        let finding = Finding(
            code: .orphanReceipt, pem: "=P", terminal: "+T", sale: "-S", posRefId: "@R", receiptUuid: "=U",
            detail: "-D")
        let cells = Self.cells(of: finding)
        #expect(
            cells == ["ORPHAN_RECEIPT", "warning", "'=P", "", "'+T", "'-S", "'@R", "'=U", "", "'-D", "check the POS"])
    }

    @Test func negativeAmountStaysANumber() {
        let finding = Finding(code: .paymentAmountMismatch, amount: Money(cents: -5), detail: "short by 0.05")
        #expect(Self.cells(of: finding)[8] == "-0.05")
    }

    @Test func onlyTheFirstCharacterCounts() {
        let finding = Finding(code: .orphanReceipt, sale: "S=1+2", detail: " =1")
        let cells = Self.cells(of: finding)
        #expect(cells[5] == "S=1+2")
        #expect(cells[9] == " =1")
    }

    @Test func quotingOfCommasQuotesAndNewlines() {
        let finding = Finding(
            code: .submissionRejected, pem: "E1", sale: "a,b", posRefId: "say \"hi\"", receiptUuid: "line\nbreak",
            detail: "cr\rhere")
        #expect(
            Self.text([finding])
                == Self.header
                + "SUBMISSION_REJECTED,action,E1,,,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",,"
                + "\"cr\rhere\",fix the data\r\n")
    }

    @Test func defusedAndQuotedTogether() {
        let finding = Finding(code: .orphanReceipt, detail: "=SUM(A1,A2)")
        #expect(
            Self.text([finding]) == Self.header + "ORPHAN_RECEIPT,warning,,,,,,,,\"'=SUM(A1,A2)\",check the POS\r\n")
    }

    @Test func utf8WithoutBOM() {
        let finding = Finding(code: .orphanReceipt, detail: "caffè €")
        let bytes = FindingsCSVWriter.render([finding])
        #expect(Array(bytes.prefix(4)) == Array("code".utf8))
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix(",caffè €,check the POS\r\n"))
    }

    @Test func fieldHelper() {
        #expect(FindingsCSVWriter.field("=1") == "'=1")
        #expect(FindingsCSVWriter.field("-1.00", defuse: false) == "-1.00")
        #expect(FindingsCSVWriter.field("a\"b") == "\"a\"\"b\"")
    }

    @Test func rowsFollowTheGivenOrder() {
        let findings = [
            Finding(code: .platformOffline, detail: "b"), Finding(code: .acubeDataMissing, detail: "a"),
        ]
        let lines = Self.text(findings).components(separatedBy: "\r\n")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("PLATFORM_OFFLINE,"))
        #expect(lines[2].hasPrefix("ACUBE_DATA_MISSING,"))
        #expect(lines[3].isEmpty)
    }
}
