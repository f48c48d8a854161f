import Foundation
import QuadraCore

/// One validation failure of a request body, rendered in MF2's shape (`propertyPath`, `message`) or MF1's
/// (`loc`, `msg`, `type`).
struct AcubeViolation: Error, Sendable, Hashable {
    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// Where in the body, from its root; empty for the body as a whole.
    var path: [Component]
    var message: String
    /// The MF1 (pydantic) error type, e.g. `missing`, `string_type`, `value_error`.
    var type: String = "value_error"
    /// Where the value came from, the first item of MF1's `loc`: `body` or `query`.
    var location = "body"

    /// MF2's `propertyPath`: `entries[0].vat_rate_code`.
    var propertyPath: String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// MF1's `loc`: `["body","entries",0,"vat_rate_code"]`, as JSON text.
    var loc: String {
        let parts =
            [AcubeJSON.string(location)]
            + path.map { component in
                switch component {
                case .key(let key): AcubeJSON.string(key)
                case .index(let index): String(index)
                }
            }
        return AcubeJSON.array(parts)
    }

    /// Splits `entries[0].vat_rate_code` into its keys and indexes; text it cannot read stays one key.
    static func parse(propertyPath: String) -> [Component] {
        var components: [Component] = []
        for part in propertyPath.split(separator: ".", omittingEmptySubsequences: true) {
            var rest = Substring(part)
            if let open = rest.firstIndex(of: "[") {
                let key = rest[..<open]
                if !key.isEmpty { components.append(.key(String(key))) }
                rest = rest[open...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close])
                {
                    components.append(.index(index))
                    rest = rest[rest.index(after: close)...]
                }
                if !rest.isEmpty { components.append(.key(String(rest))) }
            } else {
                components.append(.key(String(rest)))
            }
        }
        return components
    }
}
