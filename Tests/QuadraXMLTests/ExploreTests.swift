import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

@Test func explore() throws {
    for name in ["valid/register.xml", "valid/empty-register.xml", "invalid/malformed.xml", "invalid/missing-gross.xml",
        "invalid/xxe.xml", "invalid/billion-laughs.xml", "invalid/bad-values.xml", "invalid/wrong-namespace.xml"]
    {
        let result = RegisterXMLReader.read(url: TestSupport.fixture(name), displayPath: name, timeZone: .rome)
        print("=== \(name) read=\(result.recordsRead)")
        for e in result.entries { print("  \(e.source) \(e.pem) \(e.recordedAt.utcString) \(e.fiscalDay) \(e.sale ?? "-") \(e.payment) \(e.lines.map { "\($0.vat)=\($0.gross.cents)" })") }
        for d in result.diagnostics { print("  D \(d) whole=\(d.wholeFile)") }
        let v = SchemaValidator.validate(url: TestSupport.fixture(name), displayPath: name)
        print("  V \(String(describing: v.schema)) \(v.diagnostics)")
    }
}
