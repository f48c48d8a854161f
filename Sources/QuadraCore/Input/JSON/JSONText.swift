/// Writes JSON text by hand, so key order and spacing are fixed and the bytes are reproducible.
public enum JSONText {
    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func render(_ value: UploadFieldValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .null: "null"
        }
    }

    /// An object whose members are already rendered, indented by `level` steps of two spaces.
    static func object(_ members: [(String, String)], level: Int) -> String {
        let pad = String(repeating: "  ", count: level + 1)
        let close = String(repeating: "  ", count: level)
        guard !members.isEmpty else { return "{}" }
        return "{\n" + members.map { pad + quoted($0.0) + ": " + $0.1 }.joined(separator: ",\n") + "\n" + close + "}"
    }

    static func array(_ elements: [String], level: Int) -> String {
        let pad = String(repeating: "  ", count: level + 1)
        let close = String(repeating: "  ", count: level)
        guard !elements.isEmpty else { return "[]" }
        return "[\n" + elements.map { pad + $0 }.joined(separator: ",\n") + "\n" + close + "]"
    }
}

extension EmergencyReportUpload {
    /// The JSON body A-Cube takes, keys in A-Cube's order, two-space indents, ending with a newline.
    public func jsonBytes() -> [UInt8] {
        var members = fields.map { ($0.name, JSONText.render($0.value)) }
        let entryObjects = entries.map { entry in
            JSONText.object(Self.fields(of: entry).map { ($0.name, JSONText.render($0.value)) }, level: 2)
        }
        members.append(("entries", JSONText.array(entryObjects, level: 1)))
        return Array((JSONText.object(members, level: 0) + "\n").utf8)
    }
}
