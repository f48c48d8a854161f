#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A cursor over JSON bytes for the fast scanners (`PosLineScanner`, `AcubeReceiptsPageScanner`): the RFC 8259
/// grammar, validated without building any value, restricted to what they take (strings of printable ASCII
/// without escapes: anything else makes them hand the text to the strict `JSONParser`). Reading past the end
/// gives 0, which no rule accepts. Lines are counted over white space, as `JSONParser` counts them (a string
/// holds no raw newline).
struct JSONByteCursor {
    /// What a value is.
    enum ValueKind {
        case string
        /// A number with no fraction and no exponent.
        case integer
        /// A number with a fraction or an exponent.
        case number
        case trueLiteral
        case falseLiteral
        case null
        case array
        case object
    }

    let base: UnsafePointer<UInt8>
    let end: Int
    /// How deep arrays and objects may nest (the outermost value has depth 1).
    let maximumDepth: Int
    var index: Int
    /// The 1-based line of `index`.
    var line = 1

    init(base: UnsafePointer<UInt8>, end: Int, index: Int = 0, maximumDepth: Int) {
        self.base = base
        self.end = end
        self.index = index
        self.maximumDepth = maximumDepth
    }

    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let zero = UInt8(ascii: "0")
    static let newline = UInt8(ascii: "\n")

    @inline(__always)
    var byte: UInt8 { index < end ? base[index] : 0 }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            switch base[index] {
            case 0x20, 0x0D, 0x09: index += 1
            case Self.newline:
                index += 1
                line += 1
            default: return
            }
        }
    }

    /// Any value at `index` (no white space before it), `depth` being its own nesting level; leaves `index` just
    /// after it.
    mutating func value(depth: Int) -> ValueKind? {
        switch byte {
        case Self.quote: return string() ? .string : nil
        case Self.minus, Self.zero...UInt8(ascii: "9"): return number()
        case UInt8(ascii: "t"): return literal("true") ? .trueLiteral : nil
        case UInt8(ascii: "f"): return literal("false") ? .falseLiteral : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        case Self.openBracket: return depth <= maximumDepth && array(depth: depth) ? .array : nil
        case Self.openBrace: return depth <= maximumDepth && object(depth: depth) ? .object : nil
        default: return nil
        }
    }

    /// A string at its opening quote, printable ASCII with no escape; leaves `index` after the closing quote.
    @inline(__always)
    mutating func string() -> Bool {
        index += 1
        while index &+ 8 <= end {
            // Eight bytes at a time: stop at a quote, a backslash, a control byte or a byte >= 0x80.
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let high: UInt64 = 0x8080_8080_8080_8080
            let ones: UInt64 = 0x0101_0101_0101_0101
            let quotes = word ^ (ones &* UInt64(Self.quote))
            let backslashes = word ^ (ones &* UInt64(Self.backslash))
            let special =
                ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | (word &- ones &* 0x20) | word
            if special & high == 0 {
                index += 8
            } else {
                break
            }
        }
        while index < end {
            let byte = base[index]
            if byte == Self.quote {
                index += 1
                return true
            }
            guard byte >= 0x20, byte < 0x80, byte != Self.backslash else { return false }
            index += 1
        }
        return false
    }

    /// An RFC 8259 number: `.integer`, or `.number` when it has a fraction or an exponent.
    mutating func number() -> ValueKind? {
        if byte == Self.minus { index += 1 }
        let first = byte
        guard Self.isDigit(first) else { return nil }
        index += 1
        if first == Self.zero {
            guard !Self.isDigit(byte) else { return nil }
        } else {
            while Self.isDigit(byte) { index += 1 }
        }
        var kind = ValueKind.integer
        if byte == UInt8(ascii: ".") {
            kind = .number
            index += 1
            guard Self.isDigit(byte) else { return nil }
            while Self.isDigit(byte) { index += 1 }
        }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            kind = .number
            index += 1
            if byte == UInt8(ascii: "+") || byte == Self.minus { index += 1 }
            guard Self.isDigit(byte) else { return nil }
            while Self.isDigit(byte) { index += 1 }
        }
        return kind
    }

    mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= end, Self.matches(base + index, text) else { return false }
        index += count
        return true
    }

    /// After a value in an array or an object: skips white space and reads the separator. True when it is
    /// `close` (the container ends there), false after a comma (and the white space after it); nil for anything
    /// else.
    @inline(__always)
    mutating func afterElement(closing close: UInt8) -> Bool? {
        skipWhitespace()
        let separator = byte
        index += 1
        if separator == close { return true }
        guard separator == Self.comma else { return nil }
        skipWhitespace()
        return false
    }

    mutating func array(depth: Int) -> Bool {
        index += 1
        skipWhitespace()
        if byte == Self.closeBracket {
            index += 1
            return true
        }
        while true {
            guard value(depth: depth + 1) != nil else { return false }
            guard let closed = afterElement(closing: Self.closeBracket) else { return false }
            if closed { return true }
        }
    }

    /// An object; false for a repeated key too (as `JSONParser` rejects it), and for more keys than
    /// `JSONObjectKeys` follows (the strict parser decides those).
    mutating func object(depth: Int) -> Bool {
        index += 1
        skipWhitespace()
        if byte == Self.closeBrace {
            index += 1
            return true
        }
        var keys = JSONObjectKeys()
        while true {
            let keyStart = index + 1
            guard byte == Self.quote, string(), keys.insert(base, keyStart, index - 1 - keyStart) else { return false }
            skipWhitespace()
            guard byte == Self.colon else { return false }
            index += 1
            skipWhitespace()
            guard value(depth: depth + 1) != nil else { return false }
            guard let closed = afterElement(closing: Self.closeBrace) else { return false }
            if closed { return true }
        }
    }

    /// Whether the bytes at `pointer` are `text` (the caller checked there are enough).
    @inline(__always)
    static func matches(_ pointer: UnsafePointer<UInt8>, _ text: StaticString) -> Bool {
        let expected = text.utf8Start
        for offset in 0..<text.utf8CodeUnitCount where pointer[offset] != expected[offset] { return false }
        return true
    }
}
