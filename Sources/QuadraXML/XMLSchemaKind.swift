/// The XML documents Quadra knows, each with its namespace and its embedded schema.
public enum XMLSchemaKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `reconciliation.xml`, written by `quadra run` (formats.md §4).
    case reconciliation
    /// An emergency register kept by a merchant (formats.md §1.4).
    case emergencyRegister
    /// The XML form of an emergency report upload (`OUT/uploads/<PEM>/<day>.xml`); it has no namespace.
    case emergencyReport

    /// The namespace of the document's root element.
    public var namespace: String {
        switch self {
        case .reconciliation: "urn:quadra:reconciliation:1"
        case .emergencyRegister: "urn:quadra:emergency-register:1"
        case .emergencyReport: ""
        }
    }

    /// The local name of the document's root element.
    public var rootElement: String {
        switch self {
        case .reconciliation: "reconciliation"
        case .emergencyRegister: "emergencyRegister"
        case .emergencyReport: "emergency_report"
        }
    }

    /// The schema file's name in `Templates/`.
    public var schemaFileName: String {
        switch self {
        case .reconciliation: "reconciliation.xsd"
        case .emergencyRegister: "emergency-register.xsd"
        case .emergencyReport: "emergency-report.xsd"
        }
    }

    /// The schema's text, byte for byte the file in `Templates/`.
    public var schemaText: String {
        switch self {
        case .reconciliation: Schemas.reconciliation
        case .emergencyRegister: Schemas.emergencyRegister
        case .emergencyReport: Schemas.emergencyReport
        }
    }

    /// What the document is, for messages: "reconciliation report", "emergency register".
    public var title: String {
        switch self {
        case .reconciliation: "reconciliation report"
        case .emergencyRegister: "emergency register"
        case .emergencyReport: "emergency report upload"
        }
    }

    /// The title with its article: "a reconciliation report", "an emergency register".
    public var description: String {
        switch self {
        case .reconciliation: "a \(title)"
        case .emergencyRegister, .emergencyReport: "an \(title)"
        }
    }

    /// The kind whose root element is `name` in `namespace` (nil: no namespace), if any.
    public init?(root name: String, namespace: String?) {
        guard let kind = Self.allCases.first(where: { $0.namespace == (namespace ?? "") && $0.rootElement == name })
        else { return nil }
        self = kind
    }
}
