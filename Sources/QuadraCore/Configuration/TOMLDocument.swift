/// A parsed TOML document: every key by its full dotted path (`spice.terminals.P1T1`), with its line.
/// The subset: comments, `[table]` headers, `key = value` with bare, quoted or dotted keys, basic and literal
/// strings, integers, booleans, arrays of those (over several lines too) and inline tables (`{ a = 1, b = "x" }`,
/// whose members become entries under the key). Anything else is an error with its line.
///
/// Arrays and inline tables nest at most `maximumNesting` levels: the parser descends into them recursively, so a
/// deeper value (30,000 `[`, say) would overflow the stack; it is a configuration error with its line instead.
public struct TOMLDocument: Sendable {
    /// How deep arrays and inline tables may nest (`x = [[1]]` is 2 levels). Quadra's settings use 2 at most; TOML
    /// 1.0 sets no limit, but every real parser has one (the stack's), and this one says so with the line.
    public static let maximumNesting = 128

    public struct Entry: Sendable, Hashable {
        public var value: TOMLValue
        public var line: Int
        /// The key's parts, as written (a quoted part may hold a dot).
        public var path: [String] = []
    }

    public private(set) var entries: [String: Entry] = [:]
    /// Table headers seen, with their lines.
    public private(set) var tables: [String: Int] = [:]

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> TOMLDocument {
        var parser = Parser(scalars: Array(text.unicodeScalars), file: file)
        return try parser.parse()
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        let file: String
        var index = 0
        var line = 1
        /// How many arrays and inline tables enclose the value being parsed.
        var depth = 0
        var document = TOMLDocument()

        init(scalars: [Unicode.Scalar], file: String) {
            self.scalars = scalars
            self.file = file
        }

        mutating func parse() throws(ConfigurationError) -> TOMLDocument {
            var table: [String] = []
            while true {
                skipBlanksAndComments(newlines: true)
                guard index < scalars.count else { return document }
                if scalars[index] == "[" {
                    index += 1
                    skipBlanks()
                    if index < scalars.count, scalars[index] == "[" {
                        throw fail("arrays of tables ([[…]]) are not used in Quadra's configuration")
                    }
                    table = try keyPath()
                    skipBlanks()
                    guard index < scalars.count, scalars[index] == "]" else {
                        throw fail("expected ']' to close the table header")
                    }
                    index += 1
                    let name = table.joined(separator: ".")
                    if document.tables[name] != nil { throw fail("the table [\(name)] is defined twice", key: name) }
                    document.tables[name] = line
                    try endOfLine()
                    continue
                }
                let keyLine = line
                let path = table + (try keyPath())
                let name = path.joined(separator: ".")
                skipBlanks()
                guard index < scalars.count, scalars[index] == "=" else {
                    throw fail("expected '=' after the key", key: name)
                }
                index += 1
                skipBlanks()
                let value = try parseValue(key: name)
                try assign(path, value, line: keyLine)
                try endOfLine()
            }
        }

        /// Sets the entry at `path`; an inline table sets one entry per member, under `path`.
        mutating func assign(_ path: [String], _ value: TOMLValue, line: Int) throws(ConfigurationError) {
            let name = path.joined(separator: ".")
            if case .inlineTable(let members) = value {
                if document.entries[name] != nil || document.tables[name] != nil {
                    throw fail("the key is set twice", key: name)
                }
                document.tables[name] = line
                for member in members {
                    try assign(path + member.path, member.value, line: line)
                }
                return
            }
            if document.entries[name] != nil { throw fail("the key is set twice", key: name) }
            document.entries[name] = Entry(value: value, line: line, path: path)
        }

        mutating func keyPath() throws(ConfigurationError) -> [String] {
            var parts: [String] = []
            while true {
                skipBlanks()
                guard index < scalars.count else { throw fail("expected a key") }
                if scalars[index] == "\"" || scalars[index] == "'" {
                    guard case .string(let quoted) = try parseString() else { throw fail("expected a key") }
                    parts.append(quoted)
                } else {
                    var bare = ""
                    while index < scalars.count, Self.isBareKey(scalars[index]) {
                        bare.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    guard !bare.isEmpty else { throw fail("expected a key (letters, digits, '_' or '-')") }
                    parts.append(bare)
                }
                skipBlanks()
                guard index < scalars.count, scalars[index] == "." else { return parts }
                index += 1
            }
        }

        mutating func parseValue(key: String) throws(ConfigurationError) -> TOMLValue {
            guard index < scalars.count else { throw fail("expected a value", key: key) }
            let c = scalars[index]
            if c == "\"" || c == "'" { return try parseString() }
            if c == "{" {
                try enter(key: key)
                defer { depth -= 1 }
                return try parseInlineTable(key: key)
            }
            if c == "[" {
                try enter(key: key)
                defer { depth -= 1 }
                index += 1
                var items: [TOMLValue] = []
                while true {
                    skipBlanksAndComments(newlines: true)
                    guard index < scalars.count else { throw fail("the array is not closed", key: key) }
                    if scalars[index] == "]" {
                        index += 1
                        return .array(items)
                    }
                    items.append(try parseValue(key: key))
                    skipBlanksAndComments(newlines: true)
                    guard index < scalars.count else { throw fail("the array is not closed", key: key) }
                    if scalars[index] == "," {
                        index += 1
                    } else if scalars[index] != "]" {
                        throw fail("expected ',' or ']' in the array", key: key)
                    }
                }
            }
            var word = ""
            while index < scalars.count, !" \t\r\n#,]}".unicodeScalars.contains(scalars[index]) {
                word.unicodeScalars.append(scalars[index])
                index += 1
            }
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if let number = Int64(digits), !word.hasPrefix("_"), !word.hasSuffix("_") { return .integer(number) }
            throw fail(
                "expected a string in quotes, an integer, true, false or an array, found \(word.isEmpty ? "nothing" : word)",
                key: key)
        }

        /// Counts one more level of nesting; past `maximumNesting`, an error rather than a deeper recursion.
        mutating func enter(key: String) throws(ConfigurationError) {
            depth += 1
            guard depth <= TOMLDocument.maximumNesting else {
                throw fail(
                    "arrays and inline tables nested too deep: expected at most \(TOMLDocument.maximumNesting) levels",
                    key: key)
            }
        }

        /// `{ key = value, … }` on one line, no trailing comma (TOML 1.0).
        mutating func parseInlineTable(key: String) throws(ConfigurationError) -> TOMLValue {
            index += 1
            var members: [(path: [String], value: TOMLValue)] = []
            skipBlanks()
            if index < scalars.count, scalars[index] == "}" {
                index += 1
                return .inlineTable(members)
            }
            while true {
                let path = try keyPath()
                let name = key + "." + path.joined(separator: ".")
                skipBlanks()
                guard index < scalars.count, scalars[index] == "=" else {
                    throw fail("expected '=' after the key in the inline table", key: name)
                }
                index += 1
                skipBlanks()
                let value = try parseValue(key: name)
                if members.contains(where: { $0.path == path }) {
                    throw fail("the key is set twice in the inline table", key: name)
                }
                members.append((path, value))
                skipBlanks()
                guard index < scalars.count, scalars[index] != "\n" else {
                    throw fail("the inline table is not closed on its line: expected '}'", key: key)
                }
                if scalars[index] == "}" {
                    index += 1
                    return .inlineTable(members)
                }
                guard scalars[index] == "," else {
                    throw fail("expected ',' or '}' in the inline table", key: key)
                }

                index += 1

                skipBlanks()
            }
        }

        mutating func parseString() throws(ConfigurationError) -> TOMLValue {
            let quote = scalars[index]
            index += 1
            var text = ""
            while index < scalars.count {
                let c = scalars[index]
                if c == "\n" { throw fail("a string is not closed on its line") }
                index += 1
                if c == quote { return .string(text) }
                if c == "\\" && quote == "\"" {
                    guard index < scalars.count else { break }
                    let e = scalars[index]
                    index += 1
                    switch e {
                    case "\"": text += "\""
                    case "\\": text += "\\"
                    case "n": text += "\n"
                    case "t": text += "\t"
                    case "r": text += "\r"
                    case "u", "U":
                        let count = e == "u" ? 4 : 8
                        guard index + count <= scalars.count,
                            let value = UInt32(
                                String(String.UnicodeScalarView(scalars[index..<(index + count)])), radix: 16),
                            let scalar = Unicode.Scalar(value)
                        else { throw fail("bad \\\(e) escape in a string") }
                        text.unicodeScalars.append(scalar)
                        index += count
                    default: throw fail("unknown escape \\\(e) in a string")
                    }
                    continue
                }
                text.unicodeScalars.append(c)
            }
            throw fail("a string is not closed")
        }

        mutating func endOfLine() throws(ConfigurationError) {
            skipBlanks()
            if index < scalars.count, scalars[index] == "#" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            }
            if index < scalars.count, scalars[index] == "\r" { index += 1 }
            guard index >= scalars.count || scalars[index] == "\n" else {
                throw fail("unexpected text after the value: put one setting per line")
            }
        }

        mutating func skipBlanks() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        }

        mutating func skipBlanksAndComments(newlines: Bool) {
            while index < scalars.count {
                switch scalars[index] {
                case " ", "\t", "\r": index += 1
                case "\n":
                    guard newlines else { return }
                    index += 1
                    line += 1
                case "#":
                    while index < scalars.count, scalars[index] != "\n" { index += 1 }
                default: return
                }
            }
        }

        static func isBareKey(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
        }

        func fail(_ message: String, key: String? = nil) -> ConfigurationError {
            ConfigurationError(file: file, line: line, key: key, message: message)
        }
    }
}
