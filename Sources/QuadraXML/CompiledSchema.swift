import CLibXML2

/// One of the embedded schemas, compiled from memory for one read or validation and freed with it. A compiled
/// schema is not shared between threads: compiling the small XSDs costs far less than reading a file.
final class CompiledSchema {
    let kind: XMLSchemaKind
    let pointer: xmlSchemaPtr

    /// Compiles `kind`'s schema; throws `XMLError.schemaUnavailable` with libxml2's messages if it does not.
    init(_ kind: XMLSchemaKind) throws(XMLError) {
        XMLSafety.ensureInitialized()
        self.kind = kind
        let errors = XMLErrorCollector(limit: 5)
        // The parser context reads the buffer during `xmlSchemaParse`, so both happen inside the closure.
        let outcome: Result<xmlSchemaPtr, XMLError> = Array(kind.schemaText.utf8CString).withUnsafeBufferPointer {
            chars in
            guard let parser = xmlSchemaNewMemParserCtxt(chars.baseAddress, Int32(chars.count - 1)) else {
                return .failure(.schemaUnavailable("\(kind.schemaFileName): out of memory"))
            }
            defer { xmlSchemaFreeParserCtxt(parser) }
            xmlSchemaSetParserStructuredErrors(parser, XMLErrorCollector.handler, errors.opaque)
            let schema = withExtendedLifetime(errors) { xmlSchemaParse(parser) }
            guard let schema, errors.total == 0 else {
                if let schema { xmlSchemaFree(schema) }
                return .failure(.schemaUnavailable("\(kind.schemaFileName): \(errors.summary())"))
            }
            return .success(schema)
        }
        let schema = try outcome.get()
        pointer = schema
    }

    deinit {
        xmlSchemaFree(pointer)
    }
}
