import CLibXML2

/// Collects the errors libxml2 reports through a structured error handler (never the global one): the first
/// `limit` with their lines, and a count of all of them.
final class XMLErrorCollector {
    /// One error: its 1-based line (nil when libxml2 gave none) and its message.
    struct Entry: Equatable {
        var line: Int?
        var message: String
    }

    /// The first `limit` errors, in the order reported.
    private(set) var entries: [Entry] = []
    /// Every error reported, kept or not.
    private(set) var total = 0
    /// True when an error came from the parser rather than the schema validator: the document is not
    /// well-formed XML.
    private(set) var hasWellFormednessError = false
    private let limit: Int
    /// Namespaces whose `{…}` prefix is dropped from messages: `Element '{urn:…}line'` reads `Element 'line'`.
    private let namespacesToStrip: [String]

    init(limit: Int, namespacesToStrip: [String] = XMLSchemaKind.allCases.map(\.namespace)) {
        self.limit = limit
        self.namespacesToStrip = namespacesToStrip
    }

    /// The first line with an error, for a diagnostic's location.
    var firstLine: Int? { entries.first { $0.line != nil }?.line }

    /// Records one error by hand (a DOCTYPE found, an unknown root element). An error identical to one already
    /// kept (libxml2 repeats some: an encoding error is raised again each time the parser asks for more input) is
    /// not recorded twice.
    func record(line: Int?, message: String) {
        let entry = Entry(line: line, message: message)
        if entries.contains(entry) { return }
        total += 1
        if entries.count < limit { entries.append(entry) }
    }

    /// How many errors were reported but not kept.
    var omitted: Int { total - entries.count }

    fileprivate func record(_ error: xmlError) {
        // Warnings (an unusual namespace URI, say) do not make a document invalid.
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        if error.domain != Int32(XML_FROM_SCHEMASV.rawValue) { hasWellFormednessError = true }
        guard entries.count < limit else {
            total += 1
            return
        }
        var message = error.message.map { String(cString: $0) } ?? "libxml2 error \(error.code)"
        message = message.trimmingXMLWhitespace()
        for namespace in namespacesToStrip {
            message = message.replacing("{\(namespace)}", with: "")
        }
        record(line: error.line > 0 ? Int(error.line) : nil, message: message)
    }

    /// The C handler to register with `userData` = `opaque`.
    static let handler: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        Unmanaged<XMLErrorCollector>.fromOpaque(userData).takeUnretainedValue().record(error.pointee)
    }

    /// The pointer to pass as the handler's user data; valid while `self` is alive.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// `line 12: message; line 14: message; and 3 more errors`, at most `limit` errors.
    func summary() -> String {
        var parts = entries.map { entry in entry.line.map { "line \($0): \(entry.message)" } ?? entry.message }
        if omitted > 0 { parts.append("and \(omitted) more error\(omitted == 1 ? "" : "s")") }
        return parts.joined(separator: "; ")
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and line feeds.
    func trimmingXMLWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
