/// The TOML 1.0 reader behind `TOMLDocument`, written from the specification (https://toml.io/en/v1.0.0 and its
/// ABNF). It reads the text once, building the tree as an array of nodes, and throws the first problem with the
/// file, the line and the key.
///
/// What decides what may still be added to a table (the specification's "defining a table twice" rules):
/// - `[a.b]` defines `a.b` once; `a`, made on the way, may be defined later by `[a]`;
/// - dotted keys (`b.c = 1`) make tables that only the dotted keys of the same section (the same header, or the same
///   inline table) extend: a later `[a.b]` header or a dotted key from another header cannot;
/// - inline tables and static arrays are closed once written; `[[a]]` adds a table to the array of tables `a`, and
///   `[a.b]` after it goes into that last table.
/// Lines end with LF or CR LF; a CR alone is refused. A CR LF in a multi-line string reads as LF.
struct TOMLParser {
    /// A table, array or value of the tree being built; tables and arrays refer to their members by index.
    private struct Node {
        enum Kind {
            case table
            case arrayOfTables
            case array
            case value
        }

        /// How a table came to be, which decides what may still add to it.
        enum Origin: Equatable {
            /// Made on the way to a longer header (`a` for `[a.b]`): a header or dotted keys may still define it.
            case implicit
            /// Defined by `[header]`, or a table of `[[header]]`: never again by a header or by dotted keys.
            case header
            /// Made by dotted keys in one section: only that section's dotted keys extend it.
            case dotted(section: Int)
            /// An inline table, an array or a value: closed once written.
            case closed
        }

        var kind: Kind
        var origin: Origin
        /// The line of its key (of its header for a table defined by one).
        var line: Int
        var value: TOMLValue = .boolean(false)
        /// A table's keys in the order written, and its members.
        var keys: [String] = []
        var children: [String: Int] = [:]
        /// An array's elements.
        var elements: [Int] = []
    }

    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    /// How many arrays and inline tables enclose the value being read (with the dotted parts of inline tables' keys).
    private var depth = 0
    private var nodes = [Node(kind: .table, origin: .header, line: 1)]
    private var sections = 0

    /// Takes the text apart into scalars, with each CR LF read as LF; a CR alone is an error with its line.
    init(text: String, file: String) throws(ConfigurationError) {
        self.file = file
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        var line = 1
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\r" {
                guard iterator.next() == "\n" else {
                    throw ConfigurationError(
                        file: file, line: line, key: nil,
                        message: "a carriage return (CR) without a line feed after it: TOML lines end with LF or "
                            + "CR LF, never CR alone (convert the file's line ends, e.g. with `tr '\\r' '\\n'`)")
                }
                scalars.append("\n")
                line += 1
                continue
            }
            if scalar == "\n" { line += 1 }
            scalars.append(scalar)
        }
        // A byte order mark may open the file (editors on Windows write one); anywhere else it is text.
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
    }

    // MARK: - Document

    mutating func parse() throws(ConfigurationError) -> TOMLDocument {
        var table = 0
        var prefix: [String] = []
        var section = 0
        while true {
            skipBlanks()
            guard index < scalars.count else { break }
            switch scalars[index] {
            case "\n":
                index += 1
                line += 1
            case "#": try skipComment()
            case "[":
                (table, prefix) = try header()
                section = newSection()
                try endOfLine("unexpected text after the table header: expected the end of the line")
            default:
                try keyValue(in: table, prefix: prefix, section: section)
                try endOfLine("unexpected text after the value: put one setting per line")
            }
        }
        var document = TOMLDocument()
        if case .table(let root) = value(of: 0) { document.root = root }
        flatten(0, path: [], into: &document)
        return document
    }

    /// `[a.b]` or `[[a.b]]`: the table that the keys after it go into, and its path.
    private mutating func header() throws(ConfigurationError) -> (table: Int, path: [String]) {
        index += 1
        let isArray = index < scalars.count && scalars[index] == "["
        if isArray { index += 1 }
        let path = try keyPath()
        let name = TOMLDocument.keyName(path)
        for _ in 0..<(isArray ? 2 : 1) {
            guard index < scalars.count, scalars[index] == "]" else {
                throw fail(
                    isArray
                        ? "expected ']]' to close the array of tables header"
                        : "expected ']' to close the table header",
                    key: name)
            }
            index += 1
        }
        var node = 0
        for position in 0..<(path.count - 1) {
            guard let child = nodes[node].children[path[position]] else {
                node = link(newNode(Node(kind: .table, origin: .implicit, line: line)), as: path[position], in: node)
                continue
            }
            let existing = nodes[child]
            let partial = TOMLDocument.keyName(Array(path[...position]))
            switch existing.kind {
            case .table where existing.origin == .closed:
                throw fail(
                    "\(partial) is an inline table (line \(existing.line)): nothing can be added to it", key: name)
            case .table: node = child
            case .arrayOfTables: node = existing.elements[existing.elements.count - 1]
            case .array, .value:
                throw fail(
                    "\(partial) is already set to a value on line \(existing.line): it cannot also be a table",
                    key: name)
            }
        }
        let last = path[path.count - 1]
        guard let child = nodes[node].children[last] else {
            if isArray {
                let array = link(newNode(Node(kind: .arrayOfTables, origin: .closed, line: line)), as: last, in: node)
                return (appendTable(to: array), path)
            }
            return (link(newNode(Node(kind: .table, origin: .header, line: line)), as: last, in: node), path)
        }
        let existing = nodes[child]
        switch (existing.kind, existing.origin, isArray) {
        case (.arrayOfTables, _, true): return (appendTable(to: child), path)
        case (.table, .implicit, false):
            nodes[child].origin = .header
            nodes[child].line = line
            return (child, path)
        case (.table, .header, false):
            throw fail("the table [\(name)] is defined twice (first on line \(existing.line))", key: name)
        case (.table, .dotted, false):
            throw fail(
                "the table was already made by dotted keys on line \(existing.line): a [header] cannot define it again",
                key: name)
        case (.table, .closed, _):
            throw fail(
                "the table is already written inline on line \(existing.line): it cannot be defined again", key: name)
        case (.table, _, true):
            throw fail(
                "[[\(name)]] needs an array of tables, but \(name) is a table (line \(existing.line))", key: name)
        case (.arrayOfTables, _, false):
            throw fail(
                "\(name) is an array of tables (line \(existing.line)): write [[\(name)]] to add a table to it",
                key: name)
        case (.array, _, true):
            throw fail(
                "\(name) is a static array (line \(existing.line)): [[\(name)]] cannot add a table to it", key: name)
        default:
            throw fail(
                "the key is already set to a value on line \(existing.line): it cannot also be a table", key: name)
        }
    }

    /// `key = value` in `table` (whose path is `prefix`); a dotted key makes or extends the tables on its way.
    private mutating func keyValue(in table: Int, prefix: [String], section: Int) throws(ConfigurationError) {
        let path = try keyPath(before: prefix.count)
        let name = TOMLDocument.keyName(prefix + path)
        guard index < scalars.count, scalars[index] == "=" else { throw fail("expected '=' after the key", key: name) }
        index += 1
        skipBlanks()
        let parent = try dottedParent(of: path, from: table, named: TOMLDocument.keyName(prefix), section: section)
        let last = path[path.count - 1]
        if let existing = nodes[parent].children[last] {
            throw fail("the key is set twice (first on line \(nodes[existing].line))", key: name)
        }
        link(try parseValue(key: name), as: last, in: parent)
    }

    /// The table that the last part of dotted key `path` goes into, made or extended from `table` (named `base`).
    private mutating func dottedParent(of path: [String], from table: Int, named base: String, section: Int)
        throws(ConfigurationError) -> Int
    {
        var node = table
        for position in 0..<(path.count - 1) {
            let part = path[position]
            guard let child = nodes[node].children[part] else {
                node = link(
                    newNode(Node(kind: .table, origin: .dotted(section: section), line: line)), as: part, in: node)
                continue
            }
            let existing = nodes[child]
            let partial = TOMLDocument.keyName(Array(path[...position]))
            let name = base.isEmpty ? partial : base + "." + partial
            switch (existing.kind, existing.origin) {
            case (.table, .implicit): nodes[child].origin = .dotted(section: section)
            case (.table, .dotted(let made)) where made == section: break
            case (.table, .header):
                throw fail(
                    "the table [\(name)] is defined on line \(existing.line): write its keys under that header, not "
                        + "as dotted keys here",
                    key: name)
            case (.table, .dotted):
                throw fail(
                    "the table was made by dotted keys under another header (line \(existing.line)): it cannot be "
                        + "extended from here",
                    key: name)
            case (.table, .closed):
                throw fail("the inline table on line \(existing.line) cannot be extended", key: name)
            case (.arrayOfTables, _):
                throw fail(
                    "\(name) is an array of tables (line \(existing.line)): dotted keys cannot extend it", key: name)
            case (.array, _), (.value, _):
                throw fail(
                    "the key is already set to a value on line \(existing.line): it cannot also be a table", key: name)
            }
            node = child
        }
        return node
    }

    // MARK: - Keys

    /// A key of one or more parts (`a`, `"a.b"`, `a . 'b' . c`), with the blanks around it; `before` parts already
    /// lead to it (a header's), and together they may have at most `maximumNesting`.
    private mutating func keyPath(before: Int = 0) throws(ConfigurationError) -> [String] {
        var parts: [String] = []
        while true {
            skipBlanks()
            parts.append(try simpleKey())
            guard before + parts.count <= TOMLDocument.maximumNesting else {
                throw fail("the key has too many dotted parts: expected at most \(TOMLDocument.maximumNesting)")
            }
            skipBlanks()
            guard index < scalars.count, scalars[index] == "." else { return parts }
            index += 1
        }
    }

    private mutating func simpleKey() throws(ConfigurationError) -> String {
        guard index < scalars.count else { throw fail("expected a key, found the end of the file") }
        let first = scalars[index]
        if first == "\"" || first == "'" { return try parseString(key: nil, multiLineAllowed: false) }
        let start = index
        while index < scalars.count, Self.isBareKey(scalars[index]) { index += 1 }
        guard index > start else {
            throw fail("expected a key (letters, digits, '_' and '-', or a quoted key), found \(describeHere())")
        }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    static func isBareKey(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
    }

    // MARK: - Values

    /// Any value at `index`, as a new node (not yet in a table or array).
    private mutating func parseValue(key: String) throws(ConfigurationError) -> Int {
        let keyLine = line
        guard index < scalars.count else { throw fail("expected a value, found the end of the file", key: key) }
        switch scalars[index] {
        case "\"", "'":
            let text = try parseString(key: key, multiLineAllowed: true)
            return newNode(Node(kind: .value, origin: .closed, line: keyLine, value: .string(text)))
        case "[": return try parseArray(key: key)
        case "{": return try parseInlineTable(key: key)
        default:
            let value = try parseBareValue(key: key)
            return newNode(Node(kind: .value, origin: .closed, line: keyLine, value: value))
        }
    }

    /// `[ value, … ]` over any number of lines, with comments, a trailing comma allowed, any mix of types.
    private mutating func parseArray(key: String) throws(ConfigurationError) -> Int {
        try enter(key: key)
        defer { depth -= 1 }
        let array = newNode(Node(kind: .array, origin: .closed, line: line))
        index += 1
        while true {
            try skipBlanksCommentsAndNewlines()
            guard index < scalars.count else { throw fail("the array is not closed: expected ']'", key: key) }
            if scalars[index] == "]" {
                index += 1
                return array
            }
            let element = try parseValue(key: key)
            nodes[array].elements.append(element)
            try skipBlanksCommentsAndNewlines()
            guard index < scalars.count else { throw fail("the array is not closed: expected ']'", key: key) }
            switch scalars[index] {
            case ",": index += 1
            case "]":
                index += 1
                return array
            default: throw fail("expected ',' or ']' in the array, found \(describeHere())", key: key)
            }
        }
    }

    /// `{ key = value, … }` on one line (its values may span lines), no trailing comma (TOML 1.0); dotted keys make
    /// tables inside it, and nothing can be added to it afterwards.
    private mutating func parseInlineTable(key: String) throws(ConfigurationError) -> Int {
        try enter(key: key)
        defer { depth -= 1 }
        let table = newNode(Node(kind: .table, origin: .closed, line: line))
        let section = newSection()
        index += 1
        skipBlanks()
        if index < scalars.count, scalars[index] == "}" {
            index += 1
            return table
        }
        let notClosed = "the inline table is not closed on its line: expected '}'"
        while true {
            guard index < scalars.count, scalars[index] != "\n" else { throw fail(notClosed, key: key) }
            let path = try keyPath()
            let name = key + "." + TOMLDocument.keyName(path)
            guard index < scalars.count, scalars[index] == "=" else {
                throw fail("expected '=' after the key in the inline table", key: name)
            }
            index += 1
            skipBlanks()
            // Each dotted part is one more level of tables.
            depth += path.count - 1
            guard depth <= TOMLDocument.maximumNesting else { throw tooDeep(key: name) }
            let parent = try dottedParent(of: path, from: table, named: key, section: section)
            let last = path[path.count - 1]
            if nodes[parent].children[last] != nil {
                throw fail("the key is set twice in the inline table", key: name)
            }
            link(try parseValue(key: name), as: last, in: parent)
            depth -= path.count - 1
            skipBlanks()
            guard index < scalars.count, scalars[index] != "\n" else { throw fail(notClosed, key: key) }
            if scalars[index] == "}" {
                index += 1
                return table
            }
            guard scalars[index] == "," else {
                throw fail("expected ',' or '}' in the inline table, found \(describeHere())", key: key)
            }
            index += 1
            skipBlanks()
            if index < scalars.count, scalars[index] == "}" {
                throw fail("a comma before '}' is not allowed in an inline table (TOML 1.0)", key: key)
            }
        }
    }

    /// A boolean, number, date or time (`TOMLBareValue`): its token, a date and its time standing apart by one space
    /// (`1979-05-27 07:32:00`) taken together.
    private mutating func parseBareValue(key: String) throws(ConfigurationError) -> TOMLValue {
        let start = index
        while index < scalars.count, TOMLBareValue.isTokenCharacter(scalars[index]) { index += 1 }
        if index - start == 10, index + 3 < scalars.count, scalars[index] == " ",
            ("0"..."9").contains(scalars[index + 1]), ("0"..."9").contains(scalars[index + 2]),
            scalars[index + 3] == ":"
        {
            index += 1
            while index < scalars.count, TOMLBareValue.isTokenCharacter(scalars[index]) { index += 1 }
        }
        // The word as the reader sees it, up to a blank or a delimiter, for the message.
        var end = index
        while end < scalars.count, end - start < 64, !" \t\n,]}#".unicodeScalars.contains(scalars[end]) { end += 1 }
        let token = scalars[start..<index].map { UInt8(truncatingIfNeeded: $0.value) }
        let reading = end == index ? TOMLBareValue.read(token) : .invalid(TOMLBareValue.expectedValue)
        switch reading {
        case .value(let value): return value
        case .invalid(let message):
            let word = String(String.UnicodeScalarView(scalars[start..<end].map { Self.isStringText($0) ? $0 : "?" }))
            throw fail(message + ", found " + (word.isEmpty ? describeHere() : word), key: key)
        }
    }

    /// Counts one more level of nesting; past `maximumNesting`, an error rather than a deeper recursion.
    private mutating func enter(key: String) throws(ConfigurationError) {
        depth += 1
        guard depth <= TOMLDocument.maximumNesting else { throw tooDeep(key: key) }
    }

    private func tooDeep(key: String) -> ConfigurationError {
        fail(
            "arrays and inline tables nested too deep: expected at most \(TOMLDocument.maximumNesting) levels", key: key
        )
    }

    // MARK: - Strings

    /// A basic (`"…"`), literal (`'…'`), multi-line basic (`"""…"""`) or multi-line literal (`'''…'''`) string.
    private mutating func parseString(key: String?, multiLineAllowed: Bool) throws(ConfigurationError) -> String {
        let quote = scalars[index]
        if index + 2 < scalars.count, scalars[index + 1] == quote, scalars[index + 2] == quote {
            guard multiLineAllowed else { throw fail("a key cannot be a multi-line string") }
            return try parseMultiLineString(quote: quote, key: key)
        }
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            if c == quote {
                index += 1
                return String(text)
            }
            if c == "\n" { throw fail("a string is not closed on its line", key: key) }
            if c == "\\" && quote == "\"" {
                try escape(into: &text, multiLine: false, key: key)
                continue
            }
            guard Self.isStringText(c) else { throw controlCharacter(c, key: key) }
            text.append(c)
            index += 1
        }
        throw fail("a string is not closed", key: key)
    }

    /// The body of a multi-line string after its `"""` or `'''`: a line end right after the opening is left out, and
    /// one or two quotes may stand right before the closing three.
    private mutating func parseMultiLineString(quote: Unicode.Scalar, key: String?) throws(ConfigurationError)
        -> String
    {
        let opening = line
        index += 3
        if index < scalars.count, scalars[index] == "\n" {
            index += 1
            line += 1
        }
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            if c == quote {
                var run = 0
                while index + run < scalars.count, scalars[index + run] == quote { run += 1 }
                guard run >= 3 else {
                    text.append(contentsOf: repeatElement(quote, count: run))
                    index += run
                    continue
                }
                guard run <= 5 else {
                    throw fail("\(run) quotes in a row in a multi-line string: at most 2 may stand in it", key: key)
                }
                text.append(contentsOf: repeatElement(quote, count: run - 3))
                index += run
                return String(text)
            }
            if c == "\\" && quote == "\"" {
                try escape(into: &text, multiLine: true, key: key)
                continue
            }
            if c == "\n" {
                line += 1
            } else if !Self.isStringText(c) {
                throw controlCharacter(c, key: key)
            }
            text.append(c)
            index += 1
        }
        let delimiter = String(repeating: Character(quote), count: 3)
        throw fail("a multi-line string (from line \(opening)) is not closed: expected \(delimiter)", key: key)
    }

    /// The escape at `index` (a backslash) in a basic string; in a multi-line one, a backslash that ends its line
    /// leaves out the line end and every blank and line end after it.
    private mutating func escape(into text: inout String.UnicodeScalarView, multiLine: Bool, key: String?)
        throws(ConfigurationError)
    {
        index += 1
        guard index < scalars.count else { throw fail("a string is not closed", key: key) }
        let code = scalars[index]
        index += 1
        switch code {
        case "b": text.append("\u{08}")
        case "t": text.append("\t")
        case "n": text.append("\n")
        case "f": text.append("\u{0C}")
        case "r": text.append("\r")
        case "\"": text.append("\"")
        case "\\": text.append("\\")
        case "u", "U":
            let length = code == "u" ? 4 : 8
            var value: UInt32 = 0
            for offset in 0..<length {
                guard index + offset < scalars.count, let digit = Self.hexDigit(scalars[index + offset]) else {
                    throw fail("expected \(length) hexadecimal digits after \\\(code) in a string", key: key)
                }
                value = value << 4 | digit
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw fail(
                    "\\\(code) escape of \(Self.hex(value)), which is not a Unicode scalar value (U+D800 to U+DFFF "
                        + "and past U+10FFFF are not)",
                    key: key)
            }
            text.append(scalar)
            index += length
        case " ", "\t", "\n":
            guard multiLine else { throw unknownEscape(code, key: key) }
            index -= 1
            skipBlanks()
            guard index < scalars.count, scalars[index] == "\n" else {
                throw fail("only blanks may follow a backslash that ends a line in a string", key: key)
            }
            while index < scalars.count, [" ", "\t", "\n"].contains(scalars[index]) {
                if scalars[index] == "\n" { line += 1 }
                index += 1
            }
        default: throw unknownEscape(code, key: key)
        }
    }

    private func unknownEscape(_ code: Unicode.Scalar, key: String?) -> ConfigurationError {
        fail(
            "unknown escape \\\(Self.describe(code)) in a string (TOML has \\b \\t \\n \\f \\r \\\" \\\\ "
                + "\\uXXXX \\UXXXXXXXX)",
            key: key)
    }

    /// What a string may hold as it is: every character but the control ones (tab excepted).
    static func isStringText(_ c: Unicode.Scalar) -> Bool { c == "\t" || (c.value >= 0x20 && c.value != 0x7F) }

    static func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 0x30
        case "a"..."f": c.value - 0x61 + 10
        case "A"..."F": c.value - 0x41 + 10
        default: nil
        }
    }

    private func controlCharacter(_ c: Unicode.Scalar, key: String?) -> ConfigurationError {
        fail(
            "a control character (\(Self.hex(c.value))) in a string: write it as an escape (\\u\(Self.hex(c.value).dropFirst(2))) in a \"…\" string",
            key: key)
    }

    // MARK: - Blanks, comments, line ends

    private mutating func skipBlanks() {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }

    /// Inside an array: blanks, comments and line ends.
    private mutating func skipBlanksCommentsAndNewlines() throws(ConfigurationError) {
        while index < scalars.count {
            switch scalars[index] {
            case " ", "\t": index += 1
            case "\n":
                index += 1
                line += 1
            case "#": try skipComment()
            default: return
            }
        }
    }

    /// A comment, up to its line end (left for the caller): any text but control characters (tab excepted).
    private mutating func skipComment() throws(ConfigurationError) {
        index += 1
        while index < scalars.count, scalars[index] != "\n" {
            let c = scalars[index]
            guard Self.isStringText(c) else {
                throw fail("a control character (\(Self.hex(c.value))) in a comment: TOML allows none but tab")
            }
            index += 1
        }
    }

    /// After a header or a key/value pair: blanks, a comment, then the line's end or the file's.
    private mutating func endOfLine(_ message: String) throws(ConfigurationError) {
        skipBlanks()
        if index < scalars.count, scalars[index] == "#" { try skipComment() }
        guard index >= scalars.count || scalars[index] == "\n" else { throw fail(message) }
    }

    // MARK: - Nodes

    private mutating func newNode(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }

    private mutating func newSection() -> Int {
        sections += 1
        return sections
    }

    @discardableResult
    private mutating func link(_ child: Int, as key: String, in table: Int) -> Int {
        nodes[table].keys.append(key)
        nodes[table].children[key] = child
        return child
    }

    /// A new table at the end of the array of tables `array`.
    private mutating func appendTable(to array: Int) -> Int {
        let table = newNode(Node(kind: .table, origin: .header, line: line))
        nodes[array].elements.append(table)
        return table
    }

    /// The node as a value: its depth is bounded by `maximumNesting` twice over, so the recursion is too.
    private func value(of index: Int) -> TOMLValue {
        let node = nodes[index]
        switch node.kind {
        case .value: return node.value
        case .array, .arrayOfTables: return .array(node.elements.map { value(of: $0) })
        case .table:
            var table = TOMLTable()
            for key in node.keys {
                if let child = node.children[key] { table.set(key, value(of: child)) }
            }
            return .table(table)
        }
    }

    /// The entries and tables under table `index`, whose key is `path`.
    private func flatten(_ index: Int, path: [String], into document: inout TOMLDocument) {
        for key in nodes[index].keys {
            guard let child = nodes[index].children[key] else { continue }
            let node = nodes[child]
            let childPath = path + [key]
            let name = TOMLDocument.keyName(childPath)
            switch node.kind {
            case .table:
                if node.origin == .header || node.origin == .closed { document.tables[name] = node.line }
                flatten(child, path: childPath, into: &document)
            case .array, .arrayOfTables, .value:
                document.entries[name] = TOMLDocument.Entry(value: value(of: child), line: node.line, path: childPath)
            }
        }
    }

    // MARK: - Messages

    func fail(_ message: String, key: String? = nil) -> ConfigurationError {
        ConfigurationError(file: file, line: line, key: key, message: message)
    }

    /// What stands at `index`, for a message.
    func describeHere() -> String {
        guard index < scalars.count else { return "the end of the file" }
        if scalars[index] == "\n" { return "the end of the line" }
        let c = scalars[index]
        return Self.isInvisible(c) ? Self.hex(c.value) : "'\(c)'"
    }

    /// A character as a message shows it: itself, or `U+XXXX` when it cannot be seen.
    static func describe(_ c: Unicode.Scalar) -> String { isInvisible(c) ? hex(c.value) : String(c) }

    static func isInvisible(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0xA0).contains(c.value) || c == "\u{FEFF}" || c.properties.isWhitespace
    }

    /// `U+XXXX`.
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
