/// The XML documents Quadra knows, each with its namespace and its embedded schema.
public enum XMLSchemaKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `reconciliation.xml`, written by `quadra run` (formats.md §4).
    case reconciliation
    /// An emergency register kept by a merchant (formats.md §1.4).
    case emergencyRegister

    /// The namespace of the document's root element.
    public var namespace: String {
        switch self {
        case .reconciliation: "urn:quadra:reconciliation:1"
        case .emergencyRegister: "urn:quadra:emergency-register:1"
        }
    }

    /// The local name of the document's root element.
    public var rootElement: String {
        switch self {
        case .reconciliation: "reconciliation"
        case .emergencyRegister: "emergencyRegister"
        }
    }

    /// The schema file's name in `Templates/`.
    public var schemaFileName: String {
        switch self {
        case .reconciliation: "reconciliation.xsd"
        case .emergencyRegister: "emergency-register.xsd"
        }
    }

    /// The schema's text, byte for byte the file in `Templates/`.
    public var schemaText: String {
        switch self {
        case .reconciliation: Schemas.reconciliation
        case .emergencyRegister: Schemas.emergencyRegister
        }
    }

    /// What the document is, for messages: "reconciliation report", "emergency register".
    public var title: String {
        switch self {
        case .reconciliation: "reconciliation report"
        case .emergencyRegister: "emergency register"
        }
    }

    /// The title with its article: "a reconciliation report", "an emergency register".
    public var description: String {
        switch self {
        case .reconciliation: "a \(title)"
        case .emergencyRegister: "an \(title)"
        }
    }

    /// The kind whose namespace is `namespace`, if any.
    public init?(namespace: String) {
        guard let kind = Self.allCases.first(where: { $0.namespace == namespace }) else { return nil }
        self = kind
    }
}
