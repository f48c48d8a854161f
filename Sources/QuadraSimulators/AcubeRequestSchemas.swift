import QuadraCore

/// The request body schemas of A-Cube's OpenAPI file (`AcubeOpenAPISubset`), found the way the file itself says:
/// an operation's `requestBody` → `application/json` → `schema`. The simulator refuses every body that fails its
/// operation's schema, as A-Cube would.
struct AcubeRequestSchemas: Sendable {
    /// The operations whose bodies the simulator checks.
    enum Operation: String, Sendable, CaseIterable {
        /// MF2 upload; the MF1 emergency-report takes the same body (apis.md "decided").
        case uploadEmergencyReport = "/mf2/point-of-sales/{serial_number}/upload-emergency-report"
        case communicateOffline = "/mf1/point-of-sales/{serial_number}/communicate-offline"
    }

    let schema: JSONSchema
    /// Each operation's body schema, as a JSON pointer into the document.
    let pointers: [Operation: String]

    /// The schemas of the embedded subset. It is part of the binary and checked by tests, so failing to load it is
    /// a programming error.
    static let shared: AcubeRequestSchemas = {
        do {
            return try AcubeRequestSchemas(text: AcubeOpenAPISubset.text)
        } catch {
            preconditionFailure("the embedded A-Cube OpenAPI subset does not load: \(error)")
        }
    }()

    init(text: String) throws {
        let document = try JSONParser.parse(Array(text.utf8))
        schema = try JSONSchema(document: document)
        var pointers: [Operation: String] = [:]
        for operation in Operation.allCases {
            guard
                let reference = document.objectValue?["paths"]?.objectValue?[operation.rawValue]?.objectValue?["post"]?
                    .objectValue?["requestBody"]?.objectValue?["content"]?.objectValue?["application/json"]?
                    .objectValue?["schema"]?.objectValue?["$ref"]?.stringValue
            else {
                throw JSONSchemaError(message: "no JSON request body schema for POST \(operation.rawValue)")
            }
            pointers[operation] = reference
        }
        self.pointers = pointers
    }

    /// The violations of `body` against `operation`'s schema, as the simulator reports them.
    func violations(of body: JSONValue, for operation: Operation) -> [AcubeViolation] {
        guard let pointer = pointers[operation] else { return [] }
        return schema.validate(body, at: pointer).map { violation in
            var path: [AcubeViolation.Component] = violation.path.map { component in
                switch component {
                case .key(let key): .key(key)
                case .index(let index): .index(index)
                }
            }
            // A-Cube names the missing field itself (MF1's `loc`, MF2's `propertyPath`), not its object.
            if violation.keyword == "required", let key = Self.quoted(in: violation.message) { path.append(.key(key)) }
            return AcubeViolation(path: path, message: violation.message, type: Self.mf1Type(violation.keyword))
        }
    }

    /// The text between the first two double quotes of `message` (`the key "datetime" is required`).
    static func quoted(in message: String) -> String? {
        let parts = message.split(separator: "\"", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[1]) : nil
    }

    /// The pydantic error type MF1 would give for a failing keyword.
    static func mf1Type(_ keyword: String) -> String {
        switch keyword {
        case "required": "missing"
        case "type": "type_error"
        case "enum", "anyOf", "oneOf", "const": "enum"
        case "format": "datetime_parsing"
        case "minimum", "exclusiveMinimum": "greater_than"
        default: "value_error"
        }
    }
}
