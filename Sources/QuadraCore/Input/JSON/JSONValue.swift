/// A parsed JSON value. Numbers keep their exact text, so amounts never pass through a `Double`.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's type for messages: `a string`, `a number`…
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as it would appear in JSON, shortened for messages.
    public var excerpt: String {
        let text: String
        switch self {
        case .null: text = "null"
        case .bool(let value): text = value ? "true" : "false"
        case .number(let value): text = value
        case .string(let value): text = "\"" + value + "\""
        case .array: text = "[…]"
        case .object: text = "{…}"
        }
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// An integer number (no fraction, no exponent) that fits in 64 bits.
    public var int64Value: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }
}

/// A JSON object: its members in document order and the line where it starts.
public struct JSONObject: Sendable, Hashable {
    public var members: [(key: String, value: JSONValue)]
    /// The 1-based line of the opening brace.
    public var line: Int

    public init(members: [(key: String, value: JSONValue)], line: Int) {
        self.members = members
        self.line = line
    }

    /// The value of `key`. `JSONParser` never gives an object with a repeated key; in one built otherwise, the last
    /// one wins.
    public subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.line == rhs.line && lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(line)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
