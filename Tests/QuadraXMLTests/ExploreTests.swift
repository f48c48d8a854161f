import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

func utf16(_ s: String) -> [UInt8] {
    var out: [UInt8] = [0xFF, 0xFE]
    for u in s.utf16 { out.append(UInt8(u & 0xFF)); out.append(UInt8(u >> 8)) }
    return out
}

@Test func explore() throws {
    let xxe = try String(contentsOf: TestSupport.fixture("invalid/xxe.xml"), encoding: .utf8).replacing("UTF-8", with: "UTF-16")
    let u1 = try TestSupport.temporaryFile(named: "xxe16.xml", bytes: utf16(xxe))
    let laughs = try String(contentsOf: TestSupport.fixture("invalid/billion-laughs.xml"), encoding: .utf8).replacing("UTF-8", with: "UTF-16")
    let u2 = try TestSupport.temporaryFile(named: "laughs16.xml", bytes: utf16(laughs))
    let big = "<?xml version=\"1.0\"?>\n<emergencyRegister xmlns=\"urn:quadra:emergency-register:1\" pem=\"P\">" + String(repeating: "\n", count: 70000)
        + "<entry recordedAt=\"2026-11-21 19:00\"\n payment=\"cash\"><line vatRateCode=\"22\" gross=\"1\"/></entry>\n<entry recordedAt=\"x\" payment=\"cash\"><line vatRateCode=\"22\" gross=\"1\"/></entry>\n<entry payment=\"cash\"><line vatRateCode=\"22\" gross=\"1\"/></entry></emergencyRegister>\n"
    let u3 = try TestSupport.temporaryFile(named: "big.xml", text: big)
    for url in [u1, u2, u3] {
        let start = Date()
        let result = RegisterXMLReader.read(url: url, displayPath: url.lastPathComponent, timeZone: .rome)
        print("=== \(url.lastPathComponent) read=\(result.recordsRead) \(Date().timeIntervalSince(start))")
        for e in result.entries { print("  \(e.source) \(e.pem) \(e.recordedAt.utcString) \(e.fiscalDay) \(e.sale ?? "-") \(e.payment) \(e.lines.map { "\($0.vat)=\($0.gross.cents)" })") }
        for d in result.diagnostics { print("  D \(d) whole=\(d.wholeFile)") }
        let v = SchemaValidator.validate(url: url, displayPath: url.lastPathComponent)
        print("  V \(String(describing: v.schema)) \(v.diagnostics)")
    }
    print("loader refuses:", XMLSafety.entityLoaderRefuses("file:///etc/passwd"))
    let run = RunInfo(toolVersion: "0.1.0", runId: "r1", timeZone: "Europe/Rome", asOf: "2026-11-22T06:00:00+01:00", startedAt: "2026-11-22T06:00:00+01:00", finishedAt: "2026-11-22T06:00:01+01:00", mode: "offline")
    let report = ReconciliationReport(run: run, inputs: [InputFileRecord(path: "pos/t1.jsonl", kind: .posLog, sha256: String(repeating: "a", count: 64), bytes: 12, recordsRead: 3, recordsRejected: 0)], findings: [
        Finding(code: .doubleCharge, pem: "E001", fiscalDay: FiscalDay(year: 2026, month: 11, day: 21), terminal: "T1", sale: "S-1", amount: Money(cents: 1250), detail: "a <&>\"' è € \u{1}\r\nz"),
        Finding(code: .inputRejected, detail: ""),
    ])
    print(String(decoding: try ReportXMLWriter.render(report), as: UTF8.self))
    let up = EmergencyReportUpload(pem: "E001", fiscalDay: FiscalDay(year: 2026, month: 11, day: 21), datetime: "2026-11-21T19:02:00+01:00", documentsCount: 2, cashPaymentAmount: Money(cents: 450), electronicPaymentAmount: Money(cents: 1000), ticketRestaurantPaymentAmount: .zero, entries: [.init(vatRateCode: VatCode("22")!, gross: Money(cents: 1000), vatAmount: Money(cents: 180), partialAmount: Money(cents: 820))])
    print(String(decoding: try UploadXMLWriter.render(up), as: UTF8.self), "|END")
}
