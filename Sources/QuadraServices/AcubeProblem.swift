import QuadraCore

/// Turns an A-Cube error body into one readable line (apis.md "Errors"):
///
/// - MF1 problems `{"type","title","status","detail","instance"}` and MF2 RFC 7807 problems → `title: detail`;
/// - MF1 422 `{"detail":[{"loc","msg","type"}]}` → `entries[0].vat_rate_code: unknown rate; …`;
/// - MF2 422 `{"violations":[{"propertyPath","message"}]}` → `datetime: must have an offset; …`;
/// - anything else → the start of the body's text on one line, or the HTTP reason phrase when it is empty.
public enum AcubeProblem {
    /// The longest line a message quotes from a body that is not a known problem shape.
    static let excerptLimit = 300
    /// The longest line made of a problem's messages (a 422 may list many violations).
    static let lineLimit = 2000

    /// The readable line for a response with `status` and `body`; the status text (`404 Not Found`) when the
    /// body says nothing.
    public static func detail(status: Int, body: [UInt8]) -> String {
        guard let line = line(body) else { return statusText(status) }
        // A problem titled with the reason phrase ("Not Found: …") says nothing the status does not.
        let phrase = reasonPhrase(status)
        if !phrase.isEmpty, line.hasPrefix(phrase + ": "), line.count > phrase.count + 2 {
            return String(line.dropFirst(phrase.count + 2))
        }
        return line
    }

    /// The readable line of an error body, or nil when the body is empty.
    public static func line(_ body: [UInt8]) -> String? {
        if let value = try? JSONParser.parse(body), let text = describe(value), !text.isEmpty {
            return text.count > lineLimit ? String(text.prefix(lineLimit - 1)) + "…" : text
        }
        let text = oneLine(String(decoding: body, as: UTF8.self))
        if text.isEmpty { return nil }
        return text.count > excerptLimit ? String(text.prefix(excerptLimit - 1)) + "…" : text
    }

    /// The readable line of a parsed body, or nil when it has no known problem shape.
    static func describe(_ value: JSONValue) -> String? {
        guard case .object(let object) = value else { return nil }
        var parts: [String] = []
        if let violations = object["violations"]?.arrayValue {
            parts += violations.compactMap { item -> String? in
                guard let violation = item.objectValue else { return nil }
                let path = violation["propertyPath"]?.stringValue ?? ""
                let message = text(of: violation["message"]) ?? text(of: violation["title"]) ?? "invalid"
                return path.isEmpty ? message : path + ": " + message
            }
        }
        if let details = object["detail"]?.arrayValue {
            parts += details.map { item -> String in
                guard let detail = item.objectValue else { return text(of: item) ?? "invalid" }
                let location = self.location(detail["loc"])
                let message = text(of: detail["msg"]) ?? text(of: detail["message"]) ?? "invalid"
                return location.isEmpty ? message : location + ": " + message
            }
        }
        if !parts.isEmpty { return parts.map(oneLine).joined(separator: "; ") }
        let title = text(of: object["title"]) ?? text(of: object["hydra:title"])
        let detail =
            text(of: object["detail"]) ?? text(of: object["hydra:description"]) ?? text(of: object["message"])
            ?? text(of: object["error"])
        switch (title, detail) {
        case (let title?, let detail?) where detail != title && !detail.hasPrefix(title):
            return oneLine(title + ": " + detail)
        case (_, let detail?): return oneLine(detail)
        case (let title?, nil): return oneLine(title)
        default: return nil
        }
    }

    /// `["body","entries",0,"vat_rate_code"]` → `entries[0].vat_rate_code` (FastAPI style, leading
    /// `body`/`query`/`path` dropped); a string location is kept as it is.
    static func location(_ value: JSONValue?) -> String {
        if let text = value?.stringValue { return text }
        guard var items = value?.arrayValue else { return "" }
        if let first = items.first?.stringValue, ["body", "query", "path", "header"].contains(first), items.count > 1 {
            items.removeFirst()
        }
        var out = ""
        for item in items {
            switch item {
            case .number(let index): out += "[" + index + "]"
            case .string(let name): out += out.isEmpty ? name : "." + name
            default: continue
            }
        }
        return out
    }

    /// A string or number as text; nil for anything else or an empty string.
    private static func text(of value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .number(let text)?: text
        default: nil
        }
    }

    /// Whitespace runs (newlines included) folded to one space, trimmed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    /// The reason phrase of the common statuses, for messages: `503 Service Unavailable`.
    public static func statusText(_ status: Int) -> String {
        let phrase = reasonPhrase(status)
        return phrase.isEmpty ? "HTTP \(status)" : "\(status) \(phrase)"
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}
