import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

/// Hostile documents: nothing is ever loaded or expanded, and each is rejected whole with a clear message.
@Suite struct SafetyTests {
    private let doctypeMessage =
        "a DOCTYPE is not allowed in an emergency register: remove it (Quadra never loads DTDs or expands "
        + "entities); the whole file is rejected"

    /// `text` in UTF-16 little-endian with a byte order mark: the byte-level prolog scan must still see it.
    private func utf16(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 {
            bytes.append(UInt8(unit & 0xFF))
            bytes.append(UInt8(unit >> 8))
        }
        return bytes
    }

    private func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: TestSupport.fixture(name), encoding: .utf8)
    }

    /// Asserts the result is one whole-file DOCTYPE rejection and that nothing of /etc/passwd leaked.
    private func expectDoctypeRejection(_ result: RegisterReadResult, file: String, line: Int? = nil) throws {
        #expect(result.entries.isEmpty)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.wholeFile)
        #expect(diagnostic.location.file == file)
        if let line { #expect(diagnostic.location.line == line) }
        #expect(diagnostic.message == doctypeMessage)
        #expect(!"\(result.entries) \(result.diagnostics)".contains("root:"))
    }

    @Test func externalEntityIsRejectedWholeAndNothingIsRead() throws {
        let result = RegisterXMLReader.read(
            url: TestSupport.fixture("invalid/xxe.xml"), displayPath: "xxe.xml", timeZone: .rome)
        try expectDoctypeRejection(result, file: "xxe.xml", line: 2)
        #expect(result.recordsRead == 0)

        let validation = SchemaValidator.validate(url: TestSupport.fixture("invalid/xxe.xml"), displayPath: "xxe.xml")
        #expect(validation.diagnostics.count == 1)
        #expect(validation.diagnostics.first?.message.hasPrefix("a DOCTYPE is not allowed") == true)
        #expect(!"\(validation.diagnostics)".contains("root:"))
    }

    @Test func billionLaughsIsRejectedWithoutExpansion() throws {
        let result = RegisterXMLReader.read(
            url: TestSupport.fixture("invalid/billion-laughs.xml"), displayPath: "laughs.xml", timeZone: .rome)
        try expectDoctypeRejection(result, file: "laughs.xml", line: 2)
        #expect(!"\(result.diagnostics)".contains("lollol"))
    }

    @Test func utf16ExternalEntityIsRejectedWhole() throws {
        let text = try fixtureText("invalid/xxe.xml").replacing("UTF-8", with: "UTF-16")
        let url = try TestSupport.temporaryFile(named: "xxe16.xml", bytes: utf16(text))
        try expectDoctypeRejection(
            RegisterXMLReader.read(url: url, displayPath: "xxe16.xml", timeZone: .rome), file: "xxe16.xml", line: 2)
    }

    @Test func utf16BillionLaughsIsRejectedWhole() throws {
        let text = try fixtureText("invalid/billion-laughs.xml").replacing("UTF-8", with: "UTF-16")
        let url = try TestSupport.temporaryFile(named: "laughs16.xml", bytes: utf16(text))
        try expectDoctypeRejection(
            RegisterXMLReader.read(url: url, displayPath: "laughs16.xml", timeZone: .rome), file: "laughs16.xml")
    }

    /// A prolog longer than the byte scan's limit: the reader's own checks must still refuse the DOCTYPE.
    @Test(arguments: ["invalid/xxe.xml", "invalid/billion-laughs.xml"])
    func doctypeAfterALongPrologIsStillRejected(fixture: String) throws {
        let body = try fixtureText(fixture).replacing(#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n", with: "")
        let padding = "<!--" + String(repeating: "x", count: 1_100_000) + "-->\n"
        let url = try TestSupport.temporaryFile(named: "long.xml", text: padding + body)
        try expectDoctypeRejection(
            RegisterXMLReader.read(url: url, displayPath: "long.xml", timeZone: .rome), file: "long.xml")
        let validation = SchemaValidator.validate(url: url, displayPath: "long.xml")
        #expect(validation.diagnostics.first?.message.hasPrefix("a DOCTYPE is not allowed") == true)
    }

    @Test func doctypeWithoutEntitiesIsRejectedToo() throws {
        let text =
            "<!DOCTYPE emergencyRegister>\n"
            + #"<emergencyRegister xmlns="urn:quadra:emergency-register:1" pem="P"/>"#
        let url = try TestSupport.temporaryFile(named: "plain.xml", text: text)
        try expectDoctypeRejection(
            RegisterXMLReader.read(url: url, displayPath: "plain.xml", timeZone: .rome), file: "plain.xml", line: 1)
    }

    @Test func entityLoaderRefusesEveryURL() {
        #expect(XMLSafety.entityLoaderRefuses("file:///etc/passwd"))
        #expect(XMLSafety.entityLoaderRefuses("/etc/passwd"))
        #expect(XMLSafety.entityLoaderRefuses("http://127.0.0.1:9/dtd"))
    }

    @Test func parseOptionsAreTheSafeOnes() {
        // libxml2's xmlParserOption values, spelled out so that this test does not depend on the headers.
        let noent: Int32 = 1 << 1
        let dtdload: Int32 = 1 << 2
        let dtdattr: Int32 = 1 << 3
        let dtdvalid: Int32 = 1 << 4
        let xinclude: Int32 = 1 << 10
        let nonet: Int32 = 1 << 11
        let nocdata: Int32 = 1 << 14
        let compact: Int32 = 1 << 16
        let huge: Int32 = 1 << 19
        let bigLines: Int32 = 1 << 22
        #expect(XMLSafety.parseOptions == nonet | nocdata | compact | bigLines)
        #expect(XMLSafety.parseOptions & (noent | dtdload | dtdattr | dtdvalid | xinclude | huge) == 0)
    }

    // MARK: - The prolog scan

    @Test func prologScanFindsDoctypeAfterDeclarationCommentsAndInstructions() {
        let text = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- a\ncomment -->\n<?pi x?>\n  <!doctype r>"
        #expect(XMLPrologScanner.scan(Array(text.utf8), isComplete: true) == .doctype(line: 5))
    }

    @Test func prologScanStopsAtTheRootElement() {
        let text = "<?xml version=\"1.0\"?>\n<r><!DOCTYPE r></r>"
        #expect(XMLPrologScanner.scan(Array(text.utf8), isComplete: true) == .noDoctype)
    }

    @Test func prologScanAsksForMoreBytesInsideAComment() {
        #expect(XMLPrologScanner.scan(Array("<!-- not closed".utf8), isComplete: false) == .undecided)
        #expect(XMLPrologScanner.scan(Array("<!-".utf8), isComplete: false) == .undecided)
        #expect(XMLPrologScanner.scan(Array("<!-- not closed".utf8), isComplete: true) == .noDoctype)
    }

    @Test func prologScanReadsUTF16BigEndianWithoutAByteOrderMark() {
        var bytes: [UInt8] = []
        for unit in "<?xml version=\"1.0\"?>\n<!DOCTYPE r>".utf16 {
            bytes.append(UInt8(unit >> 8))
            bytes.append(UInt8(unit & 0xFF))
        }
        #expect(XMLPrologScanner.scan(bytes, isComplete: true) == .doctype(line: 2))
    }
}
