import Foundation
import QuadraCore

/// Compact JSON writing for the A-Cube simulator: key order as given, number texts unchanged.
enum AcubeJSON {
    /// `value` as compact JSON; objects keep their member order and numbers their exact text.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): text
        case .string(let text): JSONText.quoted(text)
        case .array(let items): "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let members):
            object(members.members.map { ($0.key, render($0.value)) })
        }
    }

    /// An object from members whose values are already JSON text.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// An array from elements that are already JSON text.
    static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        JSONText.quoted(text)
    }
}

/// JWT-looking tokens: three base64url parts, the last random, so no two logins get the same token.
enum AcubeToken {
    /// Tokens last 24 h at A-Cube; the simulator writes `exp` but expires tokens only through its switch.
    static let lifetimeSeconds: Int64 = 86_400

    static func make(email: String, serial: Int, now: Date) -> String {
        let issued = Int64(now.timeIntervalSince1970.rounded(.down))
        let header = AcubeJSON.object([("typ", #""JWT""#), ("alg", #""RS256""#)])
        let payload = AcubeJSON.object([
            ("iat", String(issued)), ("exp", String(issued + lifetimeSeconds)),
            ("roles", #"["ROLE_MERCHANT","ROLE_SUPPLIER"]"#), ("username", AcubeJSON.string(email)),
            ("jti", AcubeJSON.string("quadra-sim-\(serial)")),
        ])
        var generator = SystemRandomNumberGenerator()
        let signature = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return [Array(header.utf8), Array(payload.utf8), signature].map(base64URL).joined(separator: ".")
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A random version 4 UUID in lower case, for report ids.
    static func uuid() -> String {
        UUID().uuidString.lowercased()
    }
}
