import CLibXML2
import QuadraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A streaming libxml2 reader (`xmlTextReader`) over one local file that Quadra opens itself, with the safe
/// parse options, a structured error handler, optional streaming schema validation, and the DOCTYPE rule.
final class XMLStreamReader {
    /// Why a file could not even be handed to libxml2.
    enum OpenFailure: Error, Equatable {
        case cannotOpen(String)
        case doctype(line: Int)
        case readerUnavailable
    }

    /// The outcome of one step.
    enum Step {
        case node
        case end
        case failed
    }

    /// The node types Quadra acts on (libxml2's `xmlReaderTypes`).
    static let elementNode: Int32 = 1
    static let documentTypeNode: Int32 = 10
    static let endElementNode: Int32 = 15

    let errors: XMLErrorCollector
    private let descriptor: Int32
    private let reader: xmlTextReaderPtr
    private var schema: CompiledSchema?
    private var validation: xmlSchemaValidCtxtPtr?
    /// Lines of start tags, stepped once per element node; nil for UTF-16 files.
    private var startTags: StartTagLineScanner?
    private var elementLine: Int?
    /// The partly built document, once `stoppedInsideDoctype()` took it from the reader: ours to free.
    private var takenDocument: xmlDocPtr?

    /// Opens `path` read-only, refuses a directory or a DOCTYPE in the prolog, and creates the reader.
    init(path: String, errors: XMLErrorCollector) throws(OpenFailure) {
        XMLSafety.ensureInitialized()
        // Opened without blocking and kept only when it is a regular file, as POSIXFile does for the other inputs:
        // a FIFO with no writer would otherwise hang the open.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        var info = stat()
        if fstat(descriptor, &info) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotOpen(reason)
        }
        switch FileKind(mode: info.st_mode) {
        case .regular:
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        case .directory:
            close(descriptor)
            throw .cannotOpen("it is a directory, not a file")
        case let kind:
            close(descriptor)
            throw .cannotOpen("not a regular file (\(kind.notRegularDescription ?? "not a file")): not read")
        }
        switch XMLPrologScanner.inspect(descriptor: descriptor) {
        case .doctype(let line):
            close(descriptor)
            throw .doctype(line: line)
        case .asciiCompatible:
            startTags = StartTagLineScanner(descriptor: descriptor)
        case .utf16:
            startTags = nil
        }
        // xmlReaderForFd reads the descriptor as is: no URL handlers, no decompression, never closes it.
        let created = Self.collectingThreadErrors(errors) {
            xmlReaderForFd(descriptor, nil, nil, XMLSafety.parseOptions)
        }
        guard let reader = created else {
            close(descriptor)
            throw .readerUnavailable
        }
        self.descriptor = descriptor
        self.reader = reader
        self.errors = errors
        xmlTextReaderSetStructuredErrorHandler(reader, XMLErrorCollector.handler, errors.opaque)
    }

    deinit {
        Self.collectingThreadErrors(errors) { xmlFreeTextReader(reader) }
        if let takenDocument { xmlFreeDoc(takenDocument) }
        // A validation context handed to the reader is the caller's to free, after the reader.
        if let validation { xmlSchemaFreeValidCtxt(validation) }
        close(descriptor)
    }

    /// Validates the document against `schema` while it is read (call before the first `read()`).
    ///
    /// Only schema errors are reported once validation is on: libxml2 2.9 plugs the validator into the parser's
    /// SAX handler and then drops the parser's own errors (re-installing the reader's handler on top of the
    /// plug crashes, as the reader's relay then mistakes the plug for the parser). So a caller checks
    /// well-formedness in a first pass without a schema, and validates in a second.
    func validate(against schema: CompiledSchema) throws(XMLError) {
        guard let context = xmlSchemaNewValidCtxt(schema.pointer) else {
            throw .schemaUnavailable("\(schema.kind.schemaFileName): no validation context (out of memory)")
        }
        xmlSchemaSetValidStructuredErrors(context, XMLErrorCollector.handler, errors.opaque)
        guard Self.collectingThreadErrors(errors, { xmlTextReaderSchemaValidateCtxt(reader, context, 0) }) == 0 else {
            xmlSchemaFreeValidCtxt(context)
            throw .schemaUnavailable("\(schema.kind.schemaFileName): the reader refused the schema")
        }
        self.schema = schema
        self.validation = context
        // A validation pass takes its lines from libxml2's errors: no need to find start tags.
        startTags = nil
    }

    /// Moves to the next node.
    func read() -> Step {
        let status = Self.collectingThreadErrors(errors) { xmlTextReaderRead(reader) }
        switch status {
        case 1:
            elementLine = nodeType == Self.elementNode ? startTags?.nextStartTagLine() : nil
            return .node
        case 0: return .end
        default: return .failed
        }
    }

    /// Reads to the end of the document (a validation pass); `.end` when the whole document was read.
    func readToEnd() -> Step {
        while true {
            let step = read()
            if step != .node { return step }
            if nodeType == Self.documentTypeNode { return .failed }
        }
    }

    /// After `read()` failed: true when the document had a DOCTYPE (libxml2 may fail on the DOCTYPE's
    /// entities before the reader ever returns the DOCTYPE node). Call at most once, and only after a failure.
    func stoppedInsideDoctype() -> Bool {
        // xmlTextReaderCurrentDoc hands the document over to the caller (the reader will no longer free it).
        guard takenDocument == nil, let document = xmlTextReaderCurrentDoc(reader) else { return false }
        takenDocument = document
        return document.pointee.intSubset != nil || document.pointee.extSubset != nil
    }

    /// Runs `body` (a libxml2 call) with `errors` as this thread's structured error handler too, and libxml2's
    /// generic messages dropped, then puts libxml2's defaults back. A few errors are raised without a parser, so they
    /// miss the reader's own handler: bytes that the declared encoding cannot convert ("input conversion failed due
    /// to input error", "encoder error"); one more goes only to the generic handler ("xmlParseChunk: encoder
    /// error"). Left to the defaults they went to standard error, and the rejection could only say that libxml2
    /// stopped "without saying why". (Both handlers are per thread: readers on other threads are not affected.)
    @discardableResult
    static func collectingThreadErrors<T>(_ errors: XMLErrorCollector, _ body: () -> T) -> T {
        xmlSetStructuredErrorFunc(errors.opaque, XMLErrorCollector.handler)
        quadra_xmlSilenceGenericErrors(1)
        defer {
            xmlSetStructuredErrorFunc(nil, nil)
            quadra_xmlSilenceGenericErrors(0)
        }
        return body()
    }

    /// The current node's type (`elementNode`, `endElementNode`, `documentTypeNode`…).
    var nodeType: Int32 { xmlTextReaderNodeType(reader) }

    /// The current node's local name.
    var localName: String { Self.string(xmlTextReaderConstLocalName(reader)) ?? "" }

    /// The current node's namespace, nil when it has none.
    var namespaceURI: String? { Self.string(xmlTextReaderConstNamespaceUri(reader)) }

    /// True for an element written `<x/>`: no end element node follows.
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    /// The 1-based line of the current node: for an element, the line its start tag begins on.
    var line: Int {
        if let elementLine { return elementLine }
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = Int(xmlGetLineNo(node))
            if line > 0 { return line }
        }
        return Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// The line the parser has reached (it may be ahead of the current node).
    var parserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The current element's attributes without a namespace (namespace declarations left out), by local name.
    func attributes() -> [String: String] {
        var result: [String: String] = [:]
        guard xmlTextReaderHasAttributes(reader) == 1 else { return result }
        var status = xmlTextReaderMoveToFirstAttribute(reader)
        while status == 1 {
            if Self.string(xmlTextReaderConstNamespaceUri(reader)) == nil,
                let name = Self.string(xmlTextReaderConstLocalName(reader)), name != "xmlns"
            {
                result[name] = Self.string(xmlTextReaderConstValue(reader)) ?? ""
            }
            status = xmlTextReaderMoveToNextAttribute(reader)
        }
        xmlTextReaderMoveToElement(reader)
        return result
    }

    /// True when the schema validation, if any, found no error so far.
    var isValid: Bool { schema == nil || xmlTextReaderIsValid(reader) == 1 }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
