import CLibXML2
import QuadraCore

/// libxml2's streaming writer (`xmlTextWriter`) into a memory buffer: UTF-8, indented with two spaces. Text and
/// attribute values are escaped by libxml2; characters XML 1.0 cannot hold become U+FFFD.
final class XMLMemoryWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr

    init() throws(XMLError) {
        XMLSafety.ensureInitialized()
        guard let buffer = xmlBufferCreate() else { throw .writerUnavailable }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw .writerUnavailable
        }
        self.buffer = buffer
        self.writer = writer
        try check(xmlTextWriterSetIndent(writer, 1), "xmlTextWriterSetIndent")
        try check(Self.withXMLChars("  ") { xmlTextWriterSetIndentString(writer, $0) }, "xmlTextWriterSetIndentString")
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    /// Writes `<?xml version="1.0" encoding="UTF-8"?>`.
    func startDocument() throws(XMLError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "xmlTextWriterStartDocument")
    }

    func startElement(_ name: String) throws(XMLError) {
        try check(Self.withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "xmlTextWriterStartElement")
    }

    func attribute(_ name: String, _ value: String) throws(XMLError) {
        let status = Self.withXMLChars(name) { name in
            Self.withXMLChars(Self.xmlSafe(value)) { value in xmlTextWriterWriteAttribute(writer, name, value) }
        }
        try check(status, "xmlTextWriterWriteAttribute")
    }

    /// Writes the attribute when `value` is not nil.
    func attribute(_ name: String, ifPresent value: String?) throws(XMLError) {
        if let value { try attribute(name, value) }
    }

    func text(_ value: String) throws(XMLError) {
        guard !value.isEmpty else { return }
        let status = Self.withXMLChars(Self.xmlSafe(value)) { xmlTextWriterWriteString(writer, $0) }
        try check(status, "xmlTextWriterWriteString")
    }

    func endElement() throws(XMLError) {
        try check(xmlTextWriterEndElement(writer), "xmlTextWriterEndElement")
    }

    /// `<name>text</name>` on one line.
    func element(_ name: String, text value: String) throws(XMLError) {
        try startElement(name)
        try text(value)
        try endElement()
    }

    /// Closes every open element and the document, and returns the bytes written.
    func finish() throws(XMLError) -> [UInt8] {
        try check(xmlTextWriterEndDocument(writer), "xmlTextWriterEndDocument")
        try check(xmlTextWriterFlush(writer), "xmlTextWriterFlush")
        let count = Int(xmlBufferLength(buffer))
        guard count > 0, let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: count))
    }

    // MARK: - Helpers

    private func check(_ status: Int32, _ call: String) throws(XMLError) {
        if status < 0 { throw .writeFailed(call) }
    }

    /// Calls `body` with `text` as a NUL-terminated `xmlChar` string.
    private static func withXMLChars<R>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
        text.withCString { chars in
            chars.withMemoryRebound(to: xmlChar.self, capacity: text.utf8.count + 1) { body($0) }
        }
    }

    /// `text` with every character XML 1.0 cannot represent (NUL, most C0 controls, U+FFFE, U+FFFF) replaced by
    /// U+FFFD, so that the output is always well-formed.
    static func xmlSafe(_ text: String) -> String { ReportText.clean(text) }
}
