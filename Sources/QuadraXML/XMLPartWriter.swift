import CLibXML2
import QuadraCore

/// libxml2's streaming writer (`xmlTextWriter`) without indentation, handing its bytes to a sink a few KiB at a
/// time: the parts of a workbook, however many rows they hold, never sit whole in memory. Element and attribute
/// names are static; text and attribute values are escaped by libxml2, and characters XML 1.0 cannot hold become
/// U+FFFD (`ReportText.clean`).
final class XMLPartWriter {
    /// Takes the bytes written so far, in order; called on the writing thread.
    typealias Sink = (UnsafeRawBufferPointer) -> Void

    /// Holds the sink for libxml2's C callback, which gets it back through its context pointer.
    private final class SinkBox {
        let sink: Sink
        init(_ sink: @escaping Sink) { self.sink = sink }
    }

    private let box: SinkBox
    private let writer: xmlTextWriterPtr

    init(sink: @escaping Sink) throws(XMLError) {
        XMLSafety.ensureInitialized()
        box = SinkBox(sink)
        // The callback never reports a failure to libxml2 (which would print it): the sink remembers its own.
        let write: xmlOutputWriteCallback = { context, buffer, length in
            guard let context, let buffer, length > 0 else { return length }
            let box = Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue()
            box.sink(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
            return length
        }
        guard let output = xmlOutputBufferCreateIO(write, nil, Unmanaged.passUnretained(box).toOpaque(), nil)
        else { throw .writerUnavailable }
        guard let writer = xmlNewTextWriter(output) else {
            xmlOutputBufferClose(output)
            throw .writerUnavailable
        }
        self.writer = writer
    }

    deinit { xmlFreeTextWriter(writer) }

    /// Writes `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, as Office writes its parts.
    func startDocument() throws(XMLError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", "yes"), "xmlTextWriterStartDocument")
    }

    func startElement(_ name: StaticString) throws(XMLError) {
        try check(xmlTextWriterStartElement(writer, name.utf8Start), "xmlTextWriterStartElement")
    }

    func attribute(_ name: StaticString, _ value: String) throws(XMLError) {
        let status = Self.withXMLChars(ReportText.clean(value)) {
            xmlTextWriterWriteAttribute(writer, name.utf8Start, $0)
        }
        try check(status, "xmlTextWriterWriteAttribute")
    }

    func text(_ value: String) throws(XMLError) {
        guard !value.isEmpty else { return }
        let status = Self.withXMLChars(ReportText.clean(value)) { xmlTextWriterWriteString(writer, $0) }
        try check(status, "xmlTextWriterWriteString")
    }

    /// Writes `markup` as it is, unescaped: only for markup the caller makes and knows to be well-formed.
    func raw(_ markup: [UInt8]) throws {
        guard !markup.isEmpty else { return }
        let status = markup.withUnsafeBufferPointer {
            xmlTextWriterWriteRawLen(writer, $0.baseAddress, Int32($0.count))
        }
        try check(status, "xmlTextWriterWriteRawLen")
    }

    func endElement() throws(XMLError) {
        try check(xmlTextWriterEndElement(writer), "xmlTextWriterEndElement")
    }

    /// `<name/>` with the attributes given, in order.
    func emptyElement(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String>) throws(XMLError) {
        try startElement(name)
        for (key, value) in attributes { try attribute(key, value) }
        try endElement()
    }

    /// Closes every open element and the document, and hands the last bytes to the sink.
    func finish() throws(XMLError) {
        try check(xmlTextWriterEndDocument(writer), "xmlTextWriterEndDocument")
        try check(xmlTextWriterFlush(writer), "xmlTextWriterFlush")
    }

    /// The whole document `body` writes, in memory: for the small parts.
    static func bytes(_ body: (XMLPartWriter) throws -> Void) throws -> [UInt8] {
        let collected = ByteCollector()
        let writer = try XMLPartWriter { collected.bytes.append(contentsOf: $0) }
        try writer.startDocument()
        try body(writer)
        try writer.finish()
        return collected.bytes
    }

    private final class ByteCollector {
        var bytes: [UInt8] = []
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
}
