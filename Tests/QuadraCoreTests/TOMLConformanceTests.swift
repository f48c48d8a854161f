import Foundation
import QuadraTestSupport
import Testing

@testable import QuadraCore

/// TOML 1.0 conformance of `TOMLDocument`. On a corpus of valid and invalid documents (`Fixtures/toml`, a few hundred,
/// one per file, every kind of value, key, table and mistake), it must read the same tree as Python's `tomllib` (an
/// independent TOML 1.0 reader, in CPython's standard library since 3.11) and refuse what it refuses; the corpus's
/// labels must hold too (`valid/` read by both, `invalid/` refused by both). The few places where `tomllib` stops
/// short of the specification (a leading byte order mark, the year 0000, a leap second) are checked on their own.
@Suite struct TOMLConformanceTests {
    static let corpus = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/toml")
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/quadra.toml")

    // MARK: - The tagged form both readers are compared in

    /// `value` as tagged JSON (toml-test's form: every value an object of its type and value), as Python's
    /// `json.dumps(…, sort_keys=True, separators=(",", ":"))` writes it: keys sorted by code point, non-ASCII escaped.
    /// A float is its IEEE 754 bits (any NaN is `nan`); a date-time is taken to the microsecond, as Python holds it.
    static func tagged(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): return leaf("string", text)
        case .integer(let number): return leaf("integer", String(number))
        case .float(let number):
            guard !number.isNaN else { return leaf("float", "nan") }
            let bits = String(number.bitPattern, radix: 16)
            return leaf("float", String(repeating: "0", count: 16 - bits.count) + bits)
        case .boolean(let flag): return leaf("bool", flag ? "true" : "false")
        case .offsetDateTime(let date, let time, let offset):
            return #"{"offset":\#(offset),"type":"datetime","value":"# + json(text(date) + "T" + text(time)) + "}"
        case .localDateTime(let date, let time): return leaf("datetime-local", text(date) + "T" + text(time))
        case .localDate(let date): return leaf("date-local", text(date))
        case .localTime(let time): return leaf("time-local", text(time))
        case .array(let items): return "[" + items.map(tagged).joined(separator: ",") + "]"
        case .table(let table):
            let keys = table.keys.sorted {
                $0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.unicodeScalars.map(\.value))
            }
            return "{" + keys.map { json($0) + ":" + tagged(table[$0] ?? .boolean(false)) }.joined(separator: ",") + "}"
        }
    }

    static func leaf(_ type: String, _ value: String) -> String {
        #"{"type":"# + json(type) + #","value":"# + json(value) + "}"
    }

    static func text(_ date: TOMLValue.Date) -> String {
        padded(date.year, 4) + "-" + padded(date.month, 2) + "-" + padded(date.day, 2)
    }

    static func text(_ time: TOMLValue.Time) -> String {
        padded(time.hour, 2) + ":" + padded(time.minute, 2) + ":" + padded(time.second, 2) + "."
            + padded(time.nanosecond / 1000, 6)
    }

    static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A JSON string as Python's `json.dumps` writes it with `ensure_ascii`.
    static func json(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case "\u{08}": quoted += "\\b"
            case "\u{0C}": quoted += "\\f"
            case " "..."~": quoted.unicodeScalars.append(scalar)
            case _ where scalar.value > 0xFFFF:
                let offset = scalar.value - 0x10000
                quoted += unicodeEscape(0xD800 + offset >> 10) + unicodeEscape(0xDC00 + offset & 0x3FF)
            default: quoted += unicodeEscape(scalar.value)
            }
        }
        return quoted + "\""
    }

    static func unicodeEscape(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// Our reading of `file`, decoded as `Configuration.load` decodes it: the tagged tree, or nil when refused (with
    /// the refusal, which must name the file and a line).
    static func ours(_ file: URL) throws -> (tagged: String?, error: ConfigurationError?) {
        let bytes = try Data(contentsOf: file)
        do throws(ConfigurationError) {
            let text = try TOMLDocument.text(utf8: Array(bytes), file: file.path)
            return (tagged(.table(try TOMLDocument.parse(text, file: file.path).root)), nil)
        } catch {
            return (nil, error)
        }
    }

    // MARK: - Python's tomllib

    /// Reads each file given with `tomllib` and prints one line per file: its tagged JSON, or `-` when refused. An
    /// integer outside 64 bits counts as refused: TOML 1.0 requires that, and `tomllib` keeps Python's big integers.
    static let program = #"""
        import datetime, json, math, struct, sys
        try:
            import tomllib
        except ImportError:
            sys.exit("python3 is older than 3.11: the standard tomllib is missing")
        class OutOfRange(Exception):
            pass
        def tag(v):
            if isinstance(v, bool):
                return {"type": "bool", "value": "true" if v else "false"}
            if isinstance(v, int):
                if not -2**63 <= v < 2**63:
                    raise OutOfRange(v)
                return {"type": "integer", "value": str(v)}
            if isinstance(v, float):
                return {"type": "float", "value": "nan" if math.isnan(v) else struct.pack(">d", v).hex()}
            if isinstance(v, str):
                return {"type": "string", "value": v}
            if isinstance(v, datetime.datetime):
                text = f"{v.year:04}-{v.month:02}-{v.day:02}T{v.hour:02}:{v.minute:02}:{v.second:02}.{v.microsecond:06}"
                if v.tzinfo is None:
                    return {"type": "datetime-local", "value": text}
                return {"type": "datetime", "value": text, "offset": int(v.utcoffset().total_seconds()) // 60}
            if isinstance(v, datetime.date):
                return {"type": "date-local", "value": f"{v.year:04}-{v.month:02}-{v.day:02}"}
            if isinstance(v, datetime.time):
                return {"type": "time-local", "value": f"{v.hour:02}:{v.minute:02}:{v.second:02}.{v.microsecond:06}"}
            if isinstance(v, list):
                return [tag(item) for item in v]
            if isinstance(v, dict):
                return {key: tag(item) for key, item in v.items()}
            raise TypeError(type(v))
        for path in sys.argv[1:]:
            try:
                with open(path, "rb") as file:
                    document = tomllib.load(file)
                print(json.dumps(tag(document), sort_keys=True, separators=(",", ":")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OutOfRange):
                print("-")
        """#

    struct PythonFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// `tomllib`'s reading of each file: the tagged tree, or nil when refused.
    static func python(_ files: [URL]) async throws -> [String?] {
        let data = try await ExternalProgram.python(
            program, files.map(\.path), hint: "the check needs Python 3.11 or later (tomllib)"
        ).stdout
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast()
        guard lines.count == files.count else {
            throw PythonFailure(description: "python3 gave \(lines.count) readings for \(files.count) files")
        }
        return lines.map { $0 == "-" ? nil : String($0) }
    }

    static func corpusFiles(_ folder: String) throws -> [URL] {
        let root = corpus.appendingPathComponent(folder)
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "toml" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    // MARK: - The differential test

    @Test func readsTheCorpusAsPythonsTomllibDoes() async throws {
        let valid = try Self.corpusFiles("valid") + [Self.sample]
        let invalid = try Self.corpusFiles("invalid")
        #expect(
            valid.count >= 150 && invalid.count >= 250, "the corpus: \(valid.count) valid, \(invalid.count) invalid")
        let files = valid + invalid
        let theirs = try await Self.python(files)
        for (file, reading) in zip(files, theirs) {
            let name = file.path.replacingOccurrences(of: Self.corpus.path + "/", with: "")
            let (tagged, error) = try Self.ours(file)
            #expect(
                tagged == reading,
                "\(name): Quadra \(tagged ?? "refuses: \(error?.description ?? "")"), tomllib \(reading ?? "refuses")")
            let isValid = valid.contains(file)
            #expect((tagged != nil) == isValid, "\(name): Quadra \(tagged == nil ? "refuses" : "reads") it")
            #expect((reading != nil) == isValid, "\(name): tomllib \(reading == nil ? "refuses" : "reads") it")
            if tagged == nil {
                #expect(error?.file == file.path && error?.line != nil, "\(name): \(error?.description ?? "")")
            }
        }
    }

    // MARK: - Each kind the reader once refused or misread, its reading spelt out

    static func table(_ members: KeyValuePairs<String, TOMLValue>) -> TOMLValue {
        var table = TOMLTable()
        for (key, value) in members { table.set(key, value) }
        return .table(table)
    }

    static func date(_ year: Int, _ month: Int, _ day: Int) -> TOMLValue.Date {
        TOMLValue.Date(year: year, month: month, day: day)
    }

    static func time(_ hour: Int, _ minute: Int, _ second: Int, _ nanosecond: Int = 0) -> TOMLValue.Time {
        TOMLValue.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
    }

    /// Documents whose key `a` must read as given.
    static let readings: [(String, TOMLValue)] = [
        // Inline tables, dotted keys inside them.
        (
            #"a = { b = 1, c.d = "x", e = {} }"#,
            table(["b": .integer(1), "c": table(["d": .string("x")]), "e": table([:])])
        ),
        // Hexadecimal, octal and binary integers; the 64-bit limits; underscores.
        (
            "a = [0xDEAD_beef, 0o755, 0b1010, 0x7FFFFFFFFFFFFFFF, -9223372036854775808, +1_000]",
            .array([
                .integer(0xDEAD_BEEF), .integer(0o755), .integer(0b1010), .integer(.max), .integer(.min),
                .integer(1000),
            ])
        ),
        // Every escape, \b and \f among them.
        (#"a = "\b\f\t\"\\\u00e9\U0001F600\r\n""#, .string("\u{08}\u{0C}\t\"\\é😀\r\n")),
        // A multi-line basic string: the first line end left out, a line-ending backslash (blanks after it too).
        ("a = \"\"\"\nThe quick \\\n\n   brown \\   \n  fox\"\"\"", .string("The quick brown fox")),
        // Quotes inside and right before the closing three; a CR LF inside reads as LF.
        ("a = \"\"\"\none \"two\" \"\"three\"\"\r\nfour\"\"\"\"\"", .string("one \"two\" \"\"three\"\"\nfour\"\"")),
        // A multi-line literal string: no escapes.
        ("a = '''\nC:\\path\n  kept \\ as it is\n'''", .string("C:\\path\n  kept \\ as it is\n")),
        // Dotted keys.
        ("a.b.c = 1\na.b.d = 'x'", table(["b": table(["c": .integer(1), "d": .string("x")])])),
        // Arrays of tables, with a sub-table of the last one.
        (
            "[[a]]\nb = 1\n[[a]]\n[a.c]\nd = 2",
            .array([table(["b": .integer(1)]), table(["c": table(["d": .integer(2)])])])
        ),
        // Offset date-times (T or a space, Z or an offset), local date-times, local dates, local times.
        (
            "a = 1979-05-27T00:32:00.999999-07:00",
            .offsetDateTime(date(1979, 5, 27), time(0, 32, 0, 999_999_000), offsetMinutes: -420)
        ),
        ("a = 1979-05-27 07:32:00Z", .offsetDateTime(date(1979, 5, 27), time(7, 32, 0), offsetMinutes: 0)),
        ("a = 1979-05-27t07:32:00.5", .localDateTime(date(1979, 5, 27), time(7, 32, 0, 500_000_000))),
        (
            "a = [2024-02-29, 23:59:59.123456789]",
            .array([.localDate(date(2024, 2, 29)), .localTime(time(23, 59, 59, 123_456_789))])
        ),
        // Floats: exponents, underscores, infinities, negative zero.
        (
            "a = [6.626e-34, 224_617.445_991_228, -inf, +inf, 1E6, -0.0, 1e1_0]",
            .array([
                .float(6.626e-34), .float(224_617.445_991_228), .float(-.infinity), .float(.infinity), .float(1e6),
                .float(-0.0), .float(1e10),
            ])
        ),
        // Arrays of mixed types (TOML 1.0 allows them).
        (
            #"a = [1, "a", [true], { b = 1.5 }, 07:32:00]"#,
            .array([
                .integer(1), .string("a"), .array([.boolean(true)]), table(["b": .float(1.5)]),
                .localTime(time(7, 32, 0)),
            ])
        ),
        // Comments wherever TOML allows them.
        ("# c\na = [ # c\n  1, # c\n  # c\n] # c\n# c", .array([.integer(1)])),
        ("a = 1\r\nb = 2", .integer(1)),
    ]

    @Test(arguments: readings)
    func readsWhatTOMLAccepts(document: String, expected: TOMLValue) throws {
        #expect(try TOMLDocument.parse(document, file: "t.toml").root["a"] == expected, "\(document)")
    }

    @Test func aQuotedKeyHoldingADotIsOneKey() throws {
        let document = try TOMLDocument.parse("\"a.b\" = 1\na.b = 2\n[\"c.d\"]\ne = 3", file: "t.toml")
        #expect(document.root["a.b"] == .integer(1))
        #expect(document.root["a"] == Self.table(["b": .integer(2)]))
        #expect(document.root["c.d"] == Self.table(["e": .integer(3)]))
        #expect(document.entries.keys.sorted() == ["\"a.b\"", "\"c.d\".e", "a.b"])
        #expect(document.entries["\"a.b\""]?.path == ["a.b"])
        #expect(document.tables == ["\"c.d\"": 3])
    }

    @Test func nanIsAFloat() throws {
        let root = try TOMLDocument.parse("a = nan\nb = -nan\nc = +nan", file: "t.toml").root
        for key in ["a", "b", "c"] {
            guard case .float(let value) = root[key] else {
                Issue.record("\(key) is \(String(describing: root[key]))")
                continue
            }
            #expect(value.isNaN)
        }
    }

    /// Where Python's tomllib stops short of TOML 1.0 (and so the differential corpus leaves it out).
    @Test func readsWhatTomllibDoesNot() throws {
        // A byte order mark may open the file (toml-test: valid/utf8-bom); tomllib refuses it.
        #expect(try TOMLDocument.parse("\u{FEFF}a = 1", file: "t.toml").root["a"] == .integer(1))
        // RFC 3339 has the year 0000 and a leap second; Python's datetime has neither.
        #expect(try TOMLDocument.parse("a = 0000-01-01", file: "t.toml").root["a"] == .localDate(Self.date(0, 1, 1)))
        #expect(
            try TOMLDocument.parse("a = 2016-12-31T23:59:60Z", file: "t.toml").root["a"]
                == .offsetDateTime(Self.date(2016, 12, 31), Self.time(23, 59, 60), offsetMinutes: 0))
        // Digits past the nanosecond are truncated, not rounded (TOML 1.0).
        #expect(
            try TOMLDocument.parse("a = 00:00:00.9999999999", file: "t.toml").root["a"]
                == .localTime(Self.time(0, 0, 0, 999_999_999)))
    }

    static let crMessage =
        "a carriage return (CR) without a line feed after it: TOML lines end with LF or CR LF, never CR alone "
        + "(convert the file's line ends, e.g. with `tr '\\r' '\\n'`)"

    /// Documents that must be refused, with the message (file, line, key).
    static let refusals: [(String, String)] = [
        ("a = 3__00", "t.toml:1: a: an underscore in a number must stand between two digits, found 3__00"),
        ("a = 0300", "t.toml:1: a: a decimal number cannot start with 0 (write 0o… for octal), found 0300"),
        ("a = 0x_1", "t.toml:1: a: an underscore in a number must stand between two digits, found 0x_1"),
        ("a = 1.", "t.toml:1: a: " + TOMLBareValue.expectedNumber + ", found 1."),
        (
            "a = 9223372036854775808",
            "t.toml:1: a: the integer is outside the 64-bit range TOML sets (-9223372036854775808 to "
                + "9223372036854775807), found 9223372036854775808"
        ),
        ("a = 1979-02-29", "t.toml:1: a: " + TOMLBareValue.expectedDate + ", found 1979-02-29"),
        ("a = 07:32", "t.toml:1: a: " + TOMLBareValue.expectedDate + ", found 07:32"),
        (
            "a = \"x\u{07}y\"",
            "t.toml:1: a: a control character (U+0007) in a string: write it as an escape (\\u0007) in a \"…\" string"
        ),
        (
            "a = '''\nx\u{7F}'''",
            "t.toml:2: a: a control character (U+007F) in a string: write it as an escape (\\u007F) in a \"…\" string"
        ),
        ("a = 1 # x\u{01}", "t.toml:1: a control character (U+0001) in a comment: TOML allows none but tab"),
        (
            #"a = "\e""#,
            #"t.toml:1: a: unknown escape \e in a string (TOML has \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX)"#
        ),
        ("[a]\nb = 1\n\n[a]", "t.toml:4: a: the table [a] is defined twice (first on line 1)"),
        ("a = 1\nb = 2\na = 3", "t.toml:3: a: the key is set twice (first on line 1)"),
        ("a.b = 1\na = 2", "t.toml:2: a: the key is set twice (first on line 1)"),
        ("a = 1\na.b = 2", "t.toml:2: a: the key is already set to a value on line 1: it cannot also be a table"),
        (
            "[fruit]\napple.color = 'red'\n[fruit.apple]",
            "t.toml:3: fruit.apple: the table was already made by dotted keys on line 2: a [header] cannot define it "
                + "again"
        ),
        (
            "[a.b]\n[a]\nb.c = 1",
            "t.toml:3: a.b: the table [a.b] is defined on line 1: write its keys under that header, not as dotted "
                + "keys here"
        ),
        ("a = { b = 1 }\na.c = 2", "t.toml:2: a: the inline table on line 1 cannot be extended"),
        ("a = {}\n[a.b]", "t.toml:2: a.b: a is an inline table (line 1): nothing can be added to it"),
        ("a = { b = 1, }", "t.toml:1: a: a comma before '}' is not allowed in an inline table (TOML 1.0)"),
        ("a = [1]\n[[a]]", "t.toml:2: a: a is a static array (line 1): [[a]] cannot add a table to it"),
        ("[[a]]\n[a]", "t.toml:2: a: a is an array of tables (line 1): write [[a]] to add a table to it"),
        ("a = 1\rb = 2\r", "t.toml:1: " + crMessage),
        ("a = 1\nb = \"x\ry\"", "t.toml:2: " + crMessage),
        ("a = \"\"\"\none\ntwo", "t.toml:3: a: a multi-line string (from line 1) is not closed: expected \"\"\""),
        (
            String(repeating: "a.", count: 200) + "b = 1",
            "t.toml:1: the key has too many dotted parts: expected at most 128"
        ),
        (
            "[" + String(repeating: "a.", count: 30_000) + "b]",
            "t.toml:1: the key has too many dotted parts: expected at most 128"
        ),
        (
            "x = { " + String(repeating: "a.", count: 200) + "b = 1 }",
            "t.toml:1: the key has too many dotted parts: expected at most 128"
        ),
        // In an inline table, each dotted part of a key is one more level.
        (
            "x = " + String(repeating: "{ a = ", count: 100) + "{ " + String(repeating: "b.", count: 50) + "c = 1"
                + String(repeating: " }", count: 101),
            "t.toml:1: x" + String(repeating: ".a", count: 100) + "." + String(repeating: "b.", count: 50)
                + "c: arrays and inline tables nested too deep: expected at most 128 levels"
        ),
    ]

    @Test(arguments: refusals)
    func refusesWhatTOMLRefusesWithTheLineAndKey(document: String, message: String) {
        do {
            _ = try TOMLDocument.parse(document, file: "t.toml")
            Issue.record("accepted: \(document)")
        } catch {
            #expect(error.description == message)
        }
    }
}
