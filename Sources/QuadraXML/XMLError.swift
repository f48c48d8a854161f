/// An operational failure of the XML layer (a writer that could not be created, a schema that would not
/// compile): thrown, never an input problem.
public enum XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libxml2 could not create a writer or its buffer.
    case writerUnavailable
    /// libxml2 refused a write call; the associated text names it.
    case writeFailed(String)
    /// An embedded schema did not compile; the associated text holds libxml2's messages.
    case schemaUnavailable(String)

    public var description: String {
        switch self {
        case .writerUnavailable:
            "could not create an XML writer: libxml2 is out of memory"
        case .writeFailed(let call):
            "could not write XML: libxml2 refused \(call)"
        case .schemaUnavailable(let detail):
            "the embedded XML schema does not compile: \(detail); this is a bug in Quadra, please report it"
        }
    }
}
