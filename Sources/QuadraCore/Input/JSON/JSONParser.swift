/// A strict RFC 8259 JSON parser over bytes: validates UTF-8, keeps numbers as text, limits nesting, and rejects
/// an object that names a key twice (RFC 8259 leaves its meaning open; I-JSON, RFC 7493, forbids it): with the last
/// value winning, `"event":"sale","event":"pos_started"` would drop a sale without a word.
public struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var line: Int
    private var lineStart = 0
    private var depth = 0
    private static let maximumDepth = 256
    /// Objects with more members than this find a repeated key through a set rather than by comparing with each.
    private static let linearKeySearch = 16

    private init(bytes: UnsafeBufferPointer<UInt8>, firstLine: Int) {
        self.bytes = bytes
        self.line = firstLine
    }

    /// Parses one JSON document that fills `bytes` (surrounding white space allowed).
    /// `firstLine` numbers the first line, so a JSON Lines record reports its file line.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int = 1) throws(JSONParseError)
        -> JSONValue
    {
        var parser = JSONParser(bytes: bytes, firstLine: firstLine)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// Parses one JSON document held in an array of bytes.
    public static func parse(_ bytes: [UInt8], firstLine: Int = 1) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try parse(buffer, firstLine: firstLine))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("the text ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a value, found \(describeByte(bytes[index]))")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        let startLine = line
        try enter()
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject(members: members, line: startLine))
        }
        var keys = Set<String>()
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a member name in double quotes")
            }
            let keyStart = index
            let key = try parseString()
            if isRepeated(key, in: members, &keys) {
                throw error("the key \"\(key)\" appears twice in one object: expected each key once", at: keyStart)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after the member name \"\(key)\"")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw error("the text ends inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else {
                throw error("expected ',' or '}' in an object, found \(describeByte(bytes[index]))")
            }
            index += 1
            depth -= 1
            return .object(JSONObject(members: members, line: startLine))
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("the text ends inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else {
                throw error("expected ',' or ']' in an array, found \(describeByte(bytes[index]))")
            }
            index += 1
            depth -= 1
            return .array(elements)
        }
    }

    /// Whether `key` names a member already read (compared as `JSONObject`'s subscript compares keys). Small objects

    /// are searched; from `linearKeySearch` members on, `keys` holds them all, so a huge object costs linear time.

    private func isRepeated(_ key: String, in members: [(key: String, value: JSONValue)], _ keys: inout Set<String>)

        -> Bool

    {
        if members.count < Self.linearKeySearch { return members.contains { $0.key == key } }
        if keys.isEmpty { keys = Set(members.map(\.key)) }
        return !keys.insert(key).inserted
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        var plain = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 2
                continue
            }
            if byte < 0x20 {
                throw error("control character \(describeByte(byte)) inside a string: escape it")
            }
            if byte >= 0x80 { plain = false }
            index += 1
        }
        guard index < bytes.count else {
            index = bytes.count
            throw error("the text ends inside a string")
        }
        let end = index
        index += 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if plain { return String(decoding: raw, as: UTF8.self) }
        return try decodeString(raw, startIndex: start)
    }

    private func decodeString(_ raw: UnsafeBufferPointer<UInt8>, startIndex: Int) throws(JSONParseError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { throw error("a string ends with a lone backslash", at: startIndex + i) }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "\""): output.append(0x22)
            case UInt8(ascii: "\\"): output.append(0x5C)
            case UInt8(ascii: "/"): output.append(0x2F)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard let high = hex4(raw, i) else { throw error("bad \\u escape", at: startIndex + i) }
                i += 4
                var scalarValue = high
                if (0xD800...0xDBFF).contains(high) {
                    guard i + 5 < raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                        let low = hex4(raw, i + 2), (0xDC00...0xDFFF).contains(low)
                    else { throw error("a \\u escape names half of a surrogate pair", at: startIndex + i) }
                    i += 6
                    scalarValue = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(high) {
                    throw error("a \\u escape names half of a surrogate pair", at: startIndex + i)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else {
                    throw error("bad \\u escape", at: startIndex + i)
                }
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("unknown escape \(describeByte(escape)) after a backslash", at: startIndex + i - 1)
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw error("a string is not valid UTF-8", at: startIndex)
        }
        return text
    }

    private func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for k in at..<(at + 4) {
            let b = raw[k]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    // MARK: - Numbers and literals

    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("a number may not start with 0") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs exponent digits") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("expected \(literal)") }
        let base = literal.utf8Start
        for k in 0..<count where bytes[index + k] != base[k] {
            throw error("expected \(literal)")
        }
        index += count
    }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: - Position and errors

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private func error(_ message: String, at position: Int? = nil) -> JSONParseError {
        let at = position ?? index
        // Lines are counted outside strings only; JSON strings cannot hold raw newlines.
        return JSONParseError(message: message, line: line, column: max(1, at - lineStart + 1))
    }

    private func describeByte(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
