/// A parsed TOML 1.0 document (https://toml.io/en/v1.0.0): the whole tree (`root`), and for the configuration's
/// checks every value reachable through tables by its key (`spice.terminals.P1T1`), with the line of that key.
///
/// Every valid TOML 1.0 document is read as the specification reads it, and every invalid one is refused with the
/// file, the line and, where there is one, the key: see `TOMLParser`. Two limits the specification leaves to the
/// reader: arrays and inline tables nest at most `maximumNesting` levels, and a key (a table header's path with the
/// dotted key under it) has at most `maximumNesting` parts: a deeper value (30,000 `[`, say) would overflow the
/// stack of a recursive reader, so it is a configuration error with its line instead.
public struct TOMLDocument: Sendable {
    /// How deep arrays and inline tables may nest (`x = [[1]]` is 2 levels; a dotted key inside an inline table
    /// counts its parts), and how many parts a key may have. Quadra's settings use 4 at most; TOML 1.0 sets no
    /// limit, but every real parser has one (the stack's), and this one says so with the line.
    public static let maximumNesting = 128

    /// A value that is not a table, reached from the root through tables only (an array of tables is one entry).
    public struct Entry: Sendable, Hashable {
        public var value: TOMLValue
        /// The line of its key.
        public var line: Int
        /// The key's parts, as written (a quoted part may hold a dot).
        public var path: [String] = []
    }

    /// The document as one table.
    public internal(set) var root = TOMLTable()
    /// Every entry by its key as `keyName` writes it: `spice.pos_name`, `spice.terminals."P1.T1"`.
    public internal(set) var entries: [String: Entry] = [:]
    /// Tables defined by a `[header]` or written inline (`{ … }`), by `keyName`, with their lines. Tables that only
    /// dotted keys or a longer header's path made are not listed: their keys are.
    public internal(set) var tables: [String: Int] = [:]

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> TOMLDocument {
        var parser = try TOMLParser(text: text, file: file)
        return try parser.parse()
    }

    /// The text of a file's bytes, which TOML requires to be UTF-8: a byte sequence that is not is an error with its
    /// line. A byte order mark is kept (the reader takes one at the start).
    public static func text(utf8 bytes: [UInt8], file: String) throws(ConfigurationError) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let decoded = Array(text.utf8)
        guard decoded != bytes else { return text }
        // Decoding put U+FFFD where the bytes stop being UTF-8: the first difference is there.
        var bad = 0
        while bad < bytes.count, bad < decoded.count, bytes[bad] == decoded[bad] { bad += 1 }
        let line = 1 + bytes[..<bad].filter { $0 == 0x0A }.count
        let hex = String(bytes[min(bad, bytes.count - 1)], radix: 16, uppercase: true)
        throw ConfigurationError(
            file: file, line: line, key: nil,
            message:
                "the byte 0x\(hex.count == 1 ? "0" + hex : hex) is not UTF-8: a TOML file is UTF-8 text (save it as UTF-8)"
        )
    }

    /// A key path as TOML writes it: a part of letters, digits, `_` and `-` as it is, any other quoted, so that
    /// `"a.b" = 1` (one key) is `"a.b"` while `a.b = 1` (two) is `a.b`.
    public static func keyName(_ path: [String]) -> String {
        path.map { part in
            guard part.isEmpty || !part.unicodeScalars.allSatisfy(TOMLParser.isBareKey) else { return part }
            var quoted = "\""
            for scalar in part.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\n": quoted += "\\n"
                case "\t": quoted += "\\t"
                case "\r": quoted += "\\r"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }.joined(separator: ".")
    }
}
