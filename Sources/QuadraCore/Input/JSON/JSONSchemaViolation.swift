/// One way an instance fails a JSON Schema: where, which keyword, and a readable message.
public struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// One step from a JSON value into a member of an object or an element of an array.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// Where in the instance, from its root.
    public var path: [Component]
    /// The keyword that failed: "type", "required", "enum", "anyOf", "exclusiveMinimum", "format"…
    public var keyword: String
    /// A readable message, e.g. `expected an integer, found null`, `the key "datetime" is required`.
    public var message: String

    /// A violation of `keyword` at `path`, explained by `message`.
    public init(path: [Component], keyword: String, message: String) {
        self.path = path
        self.keyword = keyword
        self.message = message
    }

    /// The path as an RFC 6901 JSON Pointer: "" for the root, "/entries/0/vat_rate_code" below it.
    public var pointer: String {
        path.map { component in
            switch component {
            case .key(let key): "/" + Self.escaped(key)
            case .index(let index): "/" + String(index)
            }
        }.joined()
    }

    /// The pointer (or "(root)") and the message, as a line of a report.
    public var description: String { (pointer.isEmpty ? "(root)" : pointer) + ": " + message }

    /// A key as a JSON Pointer reference token: `~` becomes `~0` and `/` becomes `~1`.
    static func escaped(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        var out = ""
        for character in key.unicodeScalars {
            switch character {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
