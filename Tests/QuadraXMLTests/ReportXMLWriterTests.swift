import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

@Suite struct ReportXMLWriterTests {
    static let nastyDetail = "charged twice: <&>\"' — caffè € 12,50 ✓ 日本\ttab"

    static func sampleReport(detail: String = nastyDetail) -> ReconciliationReport {
        let day = FiscalDay(year: 2026, month: 11, day: 21)
        let run = RunInfo(
            toolVersion: "0.1.0", runId: "run-0001", timeZone: "Europe/Rome", asOf: "2026-11-22T06:00:00+01:00",
            startedAt: "2026-11-22T06:00:00+01:00", finishedAt: "2026-11-22T06:00:02.250+01:00", mode: "offline")
        let inputs = [
            InputFileRecord(
                path: "pos/t2.jsonl", kind: .posLog, sha256: String(repeating: "ab", count: 32), bytes: 1234,
                recordsRead: 10, recordsRejected: 1),
            InputFileRecord(
                path: "emergency/r.xml", kind: .registerXML, sha256: String(repeating: "0", count: 64), bytes: 0,
                recordsRead: 0, recordsRejected: 0),
        ]
        let findings = [
            Finding(
                code: .paymentInProgress, pem: "E001-000001", fiscalDay: day, terminal: "T1", sale: "S-0042",
                posRefId: "P-1", amount: Money(cents: -5), detail: "no response"),
            Finding(
                code: .doubleCharge, pem: "E001-000001", fiscalDay: day, terminal: "T1", sale: "S-0042",
                receiptUuid: "7f0c", amount: Money(cents: 1250), detail: detail),
            Finding(code: .inputRejected, detail: "pos/t2.jsonl:3: bad JSON", subjectRest: ["pos/t2.jsonl", "3"]),
        ]
        return ReconciliationReport(run: run, inputs: inputs, findings: findings)
    }

    static let expectedXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <reconciliation xmlns="urn:quadra:reconciliation:1" contractVersion="1">
          <run toolVersion="0.1.0" runId="run-0001" timeZone="Europe/Rome" asOf="2026-11-22T06:00:00+01:00" \
        startedAt="2026-11-22T06:00:00+01:00" finishedAt="2026-11-22T06:00:02.250+01:00" mode="offline"/>
          <inputs>
            <input path="emergency/r.xml" kind="register-xml" \
        sha256="0000000000000000000000000000000000000000000000000000000000000000" \
        bytes="0" records="0" rejected="0"/>
            <input path="pos/t2.jsonl" kind="pos-log" \
        sha256="abababababababababababababababababababababababababababababababab" \
        bytes="1234" records="10" rejected="1"/>
          </inputs>
          <counts>
            <count code="DOUBLE_CHARGE" severity="critical">1</count>
            <count code="INPUT_REJECTED" severity="warning">1</count>
            <count code="PAYMENT_IN_PROGRESS" severity="action">1</count>
          </counts>
          <findings>
            <finding code="INPUT_REJECTED" severity="warning">pos/t2.jsonl:3: bad JSON</finding>
            <finding code="DOUBLE_CHARGE" severity="critical" pem="E001-000001" fiscalDay="2026-11-21" terminal="T1" \
        sale="S-0042" receiptUuid="7f0c" amount="12.50">\
        charged twice: &lt;&amp;&gt;&quot;' — caffè € 12,50 ✓ 日本\ttab</finding>
            <finding code="PAYMENT_IN_PROGRESS" severity="action" pem="E001-000001" fiscalDay="2026-11-21" \
        terminal="T1" sale="S-0042" posRefId="P-1" amount="-0.05">no response</finding>
          </findings>
        </reconciliation>

        """

    private func validate(_ bytes: [UInt8]) throws -> SchemaValidation {
        let url = try TestSupport.temporaryFile(named: "reconciliation.xml", bytes: bytes)
        return SchemaValidator.validate(url: url, displayPath: "OUT/reconciliation.xml")
    }

    @Test func rendersTheExactDocument() throws {
        let bytes = try ReportXMLWriter.render(Self.sampleReport())
        #expect(String(decoding: bytes, as: UTF8.self) == Self.expectedXML)
    }

    @Test func renderedReportIsValidAgainstItsSchema() throws {
        let validation = try validate(ReportXMLWriter.render(Self.sampleReport()))
        #expect(validation.schema == .reconciliation)
        #expect(validation.diagnostics == [])
    }

    @Test func renderingTwiceGivesIdenticalBytes() throws {
        let first = try ReportXMLWriter.render(Self.sampleReport())
        let second = try ReportXMLWriter.render(Self.sampleReport())
        #expect(first == second)
        #expect(!first.isEmpty)
    }

    @Test func everyFindingCodeAndSeverityValidates() throws {
        let findings = FindingCode.allCases.enumerated().map { index, code in
            Finding(code: code, pem: "P", sale: "S-\(index)", detail: "detail of \(code.rawValue)")
        }
        let base = Self.sampleReport()
        let report = ReconciliationReport(run: base.run, inputs: [], findings: findings)
        let bytes = try ReportXMLWriter.render(report)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("<inputs/>"))
        #expect(text.components(separatedBy: "<finding ").count - 1 == 25)
        #expect(try validate(bytes).diagnostics == [])
    }

    @Test func charactersXMLCannotHoldAreReplacedAndTheReportStaysValid() throws {
        let bytes = try ReportXMLWriter.render(Self.sampleReport(detail: "nul \u{0} bell \u{7} cr \r end \u{FFFE}"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(">nul \u{FFFD} bell \u{FFFD} cr &#13; end \u{FFFD}</finding>"))
        #expect(try validate(bytes).diagnostics == [])
    }

    @Test func emptyDetailWritesAnEmptyFinding() throws {
        let report = ReconciliationReport(
            run: Self.sampleReport().run, inputs: [], findings: [Finding(code: .platformOffline, pem: "P", detail: "")])
        let text = String(decoding: try ReportXMLWriter.render(report), as: UTF8.self)
        #expect(text.contains(#"    <finding code="PLATFORM_OFFLINE" severity="info" pem="P"/>"#))
        #expect(text.contains(#"<count code="PLATFORM_OFFLINE" severity="info">1</count>"#))
    }

    // MARK: - Tampered reports fail validation, with a line

    private func tampered(_ transform: (inout [String]) throws -> Int) throws -> (SchemaValidation, line: Int) {
        var lines = Self.expectedXML.components(separatedBy: "\n")
        let index = try transform(&lines)
        return (try validate(Array(lines.joined(separator: "\n").utf8)), index + 1)
    }

    @Test func unknownFindingCodeFailsWithItsLine() throws {
        let (validation, line) = try tampered { lines in
            let index = try #require(lines.firstIndex { $0.contains(#"<finding code="DOUBLE_CHARGE""#) })
            lines[index] = lines[index].replacing(#"code="DOUBLE_CHARGE""#, with: #"code="FREE_LUNCH""#)
            return index
        }
        #expect(validation.schema == .reconciliation)
        let diagnostic = try #require(validation.diagnostics.first)
        #expect(diagnostic.location == SourceLocation(file: "OUT/reconciliation.xml", line: line))
        #expect(
            diagnostic.message.hasPrefix(
                "Element 'finding', attribute 'code': [facet 'enumeration'] The value 'FREE_LUNCH'"))
        #expect(diagnostic.wholeFile)
    }

    @Test func amountWithOneDecimalFails() throws {
        let (validation, line) = try tampered { lines in
            let index = try #require(lines.firstIndex { $0.contains(#"amount="12.50""#) })
            lines[index] = lines[index].replacing(#"amount="12.50""#, with: #"amount="12.5""#)
            return index
        }
        #expect(validation.diagnostics.map(\.location.line) == [line])
        #expect(validation.diagnostics.first?.message.contains("'12.5'") == true)
    }

    @Test func duplicateCountCodeFails() throws {
        let (validation, _) = try tampered { lines in
            let index = try #require(lines.firstIndex { $0.contains(#"<count code="INPUT_REJECTED""#) })
            lines[index] = lines[index].replacing("INPUT_REJECTED", with: "DOUBLE_CHARGE").replacing(
                "warning", with: "critical")
            return index
        }
        #expect(validation.diagnostics.count == 1)
        #expect(validation.diagnostics.first?.message.contains("Duplicate key-sequence") == true)
    }

    @Test func missingSectionFails() throws {
        let (validation, line) = try tampered { lines in
            let start = try #require(lines.firstIndex { $0.contains("<counts>") })
            let end = try #require(lines.firstIndex { $0.contains("</counts>") })
            lines.removeSubrange(start...end)
            return start
        }
        #expect(validation.diagnostics.map(\.location.line) == [line])
        #expect(
            validation.diagnostics.first?.message
                == "Element 'findings': This element is not expected. Expected is ( counts ).")
    }
}
