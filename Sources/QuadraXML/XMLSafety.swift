import CLibXML2

/// Process-wide libxml2 safety for untrusted XML: a refusing external entity loader, safe parse options, and
/// the rule that a document with a DOCTYPE is rejected whole.
public enum XMLSafety {
    /// Parse options for untrusted XML. Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE.
    public static let parseOptions: Int32 = Int32(
        bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_BIG_LINES.rawValue)

    /// Runs once per process: initialises libxml2 for use from several threads and installs an external
    /// entity loader that refuses every URL, so that nothing is ever read from disk or network on a
    /// document's behalf.
    private static let initialized: Bool = {
        xmlInitParser()
        // The built-in schema types are initialised lazily and without a lock: do it here, once.
        xmlSchemaInitTypes()
        xmlSetExternalEntityLoader { _, _, _ in nil }
        return true
    }()

    /// Makes sure the process-wide setup has run; every entry point of this module calls it first.
    public static func ensureInitialized() {
        _ = initialized
    }

    /// The message for a document with a DOCTYPE.
    static func doctypeMessage(for kind: XMLSchemaKind?) -> String {
        let what = kind.map(\.description) ?? "a Quadra XML file"
        return "a DOCTYPE is not allowed in \(what): remove it (Quadra never loads DTDs or expands entities); "
            + "the whole file is rejected"
    }

    /// True when the installed external entity loader refuses `url` (for tests).
    static func entityLoaderRefuses(_ url: String) -> Bool {
        ensureInitialized()
        guard let loader = xmlGetExternalEntityLoader() else { return false }
        let input = url.withCString { loader($0, nil, nil) }
        guard let input else { return true }
        xmlFreeInputStream(input)
        return false
    }
}
