import QuadraCore

/// The outcome of checking one XML file against its schema: which schema, and one diagnostic per error.
public struct SchemaValidation: Sendable {
    /// The schema the root element's namespace selected; nil when the file has no known root.
    public var schema: XMLSchemaKind?
    /// One diagnostic per error, with the file and line; empty means valid.
    public var diagnostics: [Diagnostic]

    public init(schema: XMLSchemaKind?, diagnostics: [Diagnostic]) {
        self.schema = schema
        self.diagnostics = diagnostics
    }

    /// True when the file is valid against its schema.
    public var isValid: Bool { diagnostics.isEmpty }
}
