/// A JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) document, checked when loaded.
///
/// Assertions implemented: `$ref` (local JSON Pointers), `type`, `enum`, `const`, `allOf`, `anyOf`, `oneOf`, `not`,
/// `required`, `properties`, `additionalProperties`, `items`, `minItems`, `maxItems`, `minimum`, `maximum`,
/// `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`, and `format` (`date-time` and `uuid` are
/// asserted, other formats ignored); boolean schemas too. Annotations (`title`, `description`, `x-*`…) are ignored.
/// Any other keyword makes loading fail, so a change of the schema can never be silently ignored.
/// Numbers are compared exactly on their decimal text, never through `Double`; strings and keys compare by
/// Unicode code points, as JSON does (not by Swift's canonical equivalence).
public struct JSONSchema: Sendable {
    private let document: JSONValue
    private let nodes: [Node]
    private let nodeByLocation: [[UInt8]: Int]

    /// `document` is the whole document (an OpenAPI file or a bare schema); `$ref`s are resolved inside it.
    /// Throws when the document uses an assertion keyword this validator does not implement (so a schema change
    /// can never be silently ignored), when a keyword is malformed, when a `$ref` points nowhere, or when `$ref`s
    /// loop without going deeper into the instance.
    /// In an OpenAPI document the schemas of `components.schemas` (and what they refer to) are checked;
    /// in a bare schema, the root and its `$defs`.
    public init(document: JSONValue) throws(JSONSchemaError) {
        var compiler = Compiler(document: document)
        for root in try Self.roots(of: document) { _ = try compiler.compile(root) }
        try compiler.checkCycles()
        self.document = document
        nodes = compiler.nodes
        nodeByLocation = compiler.indexByLocation
    }

    /// The violations of `instance` against the schema at `pointer` (a JSON Pointer fragment such as
    /// "#/components/schemas/Name"); empty when valid.
    /// A pointer to no schema, or to one not checked when loading that turns out unsupported, gives a single
    /// violation with the keyword "$ref": an instance is never accepted by a schema that could not be read.
    public func validate(_ instance: JSONValue, at pointer: String) -> [JSONSchemaViolation] {
        let walker: Walker
        let start: Int
        do throws(JSONSchemaError) {
            let tokens = try Pointer.tokens(of: pointer)
            if let index = nodeByLocation[Pointer.key(tokens)] {
                walker = Walker(nodes: nodes)
                start = index
            } else {
                var compiler = Compiler(document: document, nodes: nodes, indexByLocation: nodeByLocation)
                start = try compiler.compile(tokens)
                try compiler.checkCycles()
                walker = Walker(nodes: compiler.nodes)
            }
        } catch {
            let message = "cannot validate against \"\(pointer)\": \(error.message)"
            return [JSONSchemaViolation(path: [], keyword: "$ref", message: message)]
        }
        var path: [JSONSchemaViolation.Component] = []
        var violations: [JSONSchemaViolation] = []
        walker.check(instance, start, &path, &violations)
        return violations
    }

    /// The schemas checked when loading: every `components.schemas` entry of an OpenAPI document, or the root
    /// of a bare schema and its `$defs`.
    private static func roots(of document: JSONValue) throws(JSONSchemaError) -> [[String]] {
        guard let object = document.objectValue, let version = object["openapi"] else {
            let definitions = document.objectValue?["$defs"]?.objectValue.map(distinctMembers) ?? []
            return [[]] + definitions.map { ["$defs", $0.key] }
        }
        guard case .string(let text) = version, text.hasPrefix("3.1") else {
            throw JSONSchemaError(
                message: "#/openapi: only OpenAPI 3.1 documents hold draft 2020-12 schemas, found \(version.excerpt)")
        }
        if let dialect = object["jsonSchemaDialect"] { try checkDialect(dialect, at: "#/jsonSchemaDialect") }
        guard let schemas = object["components"]?.objectValue?["schemas"] else { return [] }
        guard case .object(let members) = schemas else {
            throw JSONSchemaError(message: "#/components/schemas: expected an object, found \(schemas.typeDescription)")
        }
        return distinctMembers(members).map { ["components", "schemas", $0.key] }
    }

    private static func checkDialect(_ value: JSONValue, at location: String) throws(JSONSchemaError) {
        let accepted = [
            "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#",
        ]
        if case .string(let uri) = value,
            accepted.contains(uri) || uri.hasPrefix("https://spec.openapis.org/oas/3.1/dialect/")
        {
            return
        }
        throw JSONSchemaError(message: "\(location): the dialect \(value.excerpt) is not JSON Schema draft 2020-12")
    }
}

// MARK: - Compiled schemas

extension JSONSchema {
    /// The JSON types a `type` keyword names.
    enum SchemaType: String, Sendable {
        case null, boolean, object, array, number, string, integer

        var phrase: String {
            switch self {
            case .null: "null"
            case .boolean: "a boolean"
            case .object: "an object"
            case .array: "an array"
            case .number: "a number"
            case .string: "a string"
            case .integer: "an integer"
            }
        }
    }

    /// The formats asserted; other formats are annotations.
    enum Format: String, Sendable {
        case dateTime = "date-time"
        case uuid

        /// RFC 3339 section 5.6 `date-time` (a `T` between date and time, an offset or `Z`), or an RFC 4122 UUID.
        func accepts(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            switch self {
            case .dateTime:
                // TimestampParser also takes a space between date and time, which RFC 3339's grammar does not.
                guard bytes.count > 10, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else {
                    return false
                }
                let parsed = bytes.withUnsafeBufferPointer { TimestampParser.parse(bytes: $0, anyDate: true) }
                if case .absolute = parsed { return true }
                return false
            case .uuid:
                guard bytes.count == 36 else { return false }
                return bytes.indices.allSatisfy { index in
                    [8, 13, 18, 23].contains(index) ? bytes[index] == UInt8(ascii: "-") : Self.isHex(bytes[index])
                }
            }
        }

        private static func isHex(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }

        var expectation: String {
            switch self {
            case .dateTime: "an RFC 3339 date-time with an offset, such as \"2026-11-21T19:02:00+01:00\""
            case .uuid: "a UUID such as \"123e4567-e89b-12d3-a456-426614174000\""
            }
        }
    }

    /// A numeric limit: `minimum`, `maximum`, `exclusiveMinimum` or `exclusiveMaximum`.
    struct Bound: Sendable {
        var keyword: String
        var limit: ExactNumber
        var text: String

        func accepts(_ number: ExactNumber) -> Bool {
            switch keyword {
            case "minimum": number >= limit
            case "maximum": number <= limit
            case "exclusiveMinimum": number > limit
            default: number < limit
            }
        }

        var phrase: String {
            switch keyword {
            case "minimum": "greater than or equal to"
            case "maximum": "less than or equal to"
            case "exclusiveMinimum": "greater than"
            default: "less than"
            }
        }
    }

    /// One schema, its subschemas replaced by their indices in the node table (so `$ref` cycles are plain indices).
    struct Node: Sendable {
        /// The schema's JSON Pointer in the document, for messages.
        var location: String
        /// The assertion and applicator keywords present, in document order.
        var keywords: [String] = []
        /// `true` or `false` for a boolean schema.
        var constant: Bool?
        var ref: Int?
        var types: [SchemaType]?
        var enumValues: [JSONValue]?
        var constValue: JSONValue?
        var allOf: [Int] = []
        var anyOf: [Int]?
        var oneOf: [Int]?
        var not: Int?
        var required: [String] = []
        var properties: [(key: String, node: Int)] = []
        var additionalProperties: Int?
        var items: Int?
        var minItems: Int?
        var maxItems: Int?
        var minLength: Int?
        var maxLength: Int?
        var bounds: [Bound] = []
        var format: Format?

        /// The subschemas applied to the same instance: following them never goes deeper into the instance.
        var inPlace: [Int] {
            (ref.map { [$0] } ?? []) + allOf + (anyOf ?? []) + (oneOf ?? []) + (not.map { [$0] } ?? [])
        }
    }

    /// Keywords that never change whether an instance is valid.
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "example", "deprecated", "readOnly", "writeOnly", "$comment",
        "$defs", "discriminator", "externalDocs", "xml",
    ]

    /// The members of an object, a repeated key keeping its last value (as JSON decoders do), in first-seen order.
    static func distinctMembers(_ object: JSONObject) -> [(key: String, value: JSONValue)] {
        let count = object.members.count
        guard count > 1 else { return object.members }
        if count <= 16 {
            // Small objects, the usual case: compare pairs rather than hash every key.
            let repeated = (0..<count).contains { position in
                (position + 1..<count).contains { same(object.members[$0].key, object.members[position].key) }
            }
            guard repeated else { return object.members }
        }
        var last: [[UInt8]: Int] = [:]
        for (position, member) in object.members.enumerated() { last[Array(member.key.utf8)] = position }
        guard last.count < object.members.count else { return object.members }
        return object.members.enumerated().compactMap { position, member in
            last[Array(member.key.utf8)] == position ? member : nil
        }
    }

    /// Equality of strings by code points, as JSON compares them.
    static func same(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.elementsEqual(rhs.utf8) }

    /// JSON equality: numbers by value, strings by code points, objects regardless of key order.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)):
            guard let x = ExactNumber(a), let y = ExactNumber(b) else { return a == b }
            return x == y
        case (.string(let a), .string(let b)): return same(a, b)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            let left = distinctMembers(a)
            let right = distinctMembers(b)
            guard left.count == right.count else { return false }
            return left.allSatisfy { member in
                right.contains { same($0.key, member.key) && equal($0.value, member.value) }
            }
        default: return false
        }
    }
}

// MARK: - JSON Pointers

extension JSONSchema {
    /// RFC 6901 JSON Pointers written as URI fragments (RFC 3986 percent-encoding, then `~0` and `~1`).
    enum Pointer {
        /// The reference tokens of a fragment such as "#/components/schemas/A%20B/properties/a~1b".
        static func tokens(of fragment: String) throws(JSONSchemaError) -> [String] {
            var bytes = Array(fragment.utf8)
            guard bytes.first == UInt8(ascii: "#") else {
                throw JSONSchemaError(message: "\"\(fragment)\" is not a local reference: only \"#/…\" is supported")
            }
            bytes.removeFirst()
            var decoded: [UInt8] = []
            decoded.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "%") else {
                    decoded.append(bytes[index])
                    index += 1
                    continue
                }
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { throw JSONSchemaError(message: "\"\(fragment)\" has a bad percent-escape") }
                decoded.append(high << 4 | low)
                index += 3
            }
            if decoded.isEmpty { return [] }
            guard decoded.first == UInt8(ascii: "/") else {
                throw JSONSchemaError(
                    message: "\"\(fragment)\" names an anchor: only JSON Pointer fragments (\"#/…\") are supported")
            }
            var tokens: [String] = []
            for raw in decoded.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
                var token: [UInt8] = []
                var position = raw.startIndex
                while position < raw.endIndex {
                    if raw[position] == UInt8(ascii: "~") {
                        let next = raw.index(after: position)
                        guard next < raw.endIndex, raw[next] == UInt8(ascii: "0") || raw[next] == UInt8(ascii: "1")
                        else { throw JSONSchemaError(message: "\"\(fragment)\" has a '~' not followed by 0 or 1") }
                        token.append(raw[next] == UInt8(ascii: "0") ? UInt8(ascii: "~") : UInt8(ascii: "/"))
                        position = raw.index(after: next)
                    } else {
                        token.append(raw[position])
                        position = raw.index(after: position)
                    }
                }
                guard let text = String(validating: token, as: UTF8.self) else {
                    throw JSONSchemaError(message: "\"\(fragment)\" does not decode to UTF-8")
                }
                tokens.append(text)
            }
            return tokens
        }

        /// The canonical fragment of `tokens` ("#" for the whole document), used in messages and as a table key.
        static func text(_ tokens: [String]) -> String {
            "#" + tokens.map { "/" + JSONSchemaViolation.escaped($0) }.joined()
        }

        static func key(_ tokens: [String]) -> [UInt8] { Array(text(tokens).utf8) }

        /// The value `tokens` lead to in `document`, or nil.
        static func resolve(_ tokens: [String], in document: JSONValue) -> JSONValue? {
            var current = document
            for token in tokens {
                switch current {
                case .object(let object):
                    guard let member = object.members.last(where: { same($0.key, token) }) else { return nil }
                    current = member.value
                case .array(let elements):
                    let digits = Array(token.utf8)
                    guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                        digits.count == 1 || digits[0] != UInt8(ascii: "0"), let position = Int(token),
                        position < elements.count
                    else { return nil }
                    current = elements[position]
                default:
                    return nil
                }
            }
            return current
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
    }
}

// MARK: - Loading

extension JSONSchema {
    /// Turns schemas of the document into nodes, refusing what the validator cannot honour.
    struct Compiler {
        let document: JSONValue
        var nodes: [Node] = []
        var indexByLocation: [[UInt8]: Int] = [:]

        /// The index of the node of the schema at `tokens`, compiled (with all it reaches) on first use.
        mutating func compile(_ tokens: [String]) throws(JSONSchemaError) -> Int {
            let key = Pointer.key(tokens)
            if let index = indexByLocation[key] { return index }
            guard let value = Pointer.resolve(tokens, in: document) else {
                throw JSONSchemaError(message: "\(Pointer.text(tokens)): there is no schema at this location")
            }
            let index = nodes.count
            nodes.append(Node(location: Pointer.text(tokens)))
            indexByLocation[key] = index
            nodes[index] = try node(for: value, at: tokens)
            return index
        }

        private mutating func node(for value: JSONValue, at tokens: [String]) throws(JSONSchemaError) -> Node {
            let location = Pointer.text(tokens)
            var node = Node(location: location)
            let object: JSONObject
            switch value {
            case .bool(let flag):
                node.constant = flag
                return node
            case .object(let members):
                object = members
            default:
                throw JSONSchemaError(
                    message: "\(location): a schema must be an object or a boolean, found \(value.typeDescription)")
            }
            for (key, member) in distinctMembers(object) {
                func malformed(_ expectation: String) -> JSONSchemaError {
                    JSONSchemaError(message: "\(location): \"\(key)\" must be \(expectation), found \(member.excerpt)")
                }
                let here = tokens + [key]
                switch key {
                case "$ref":
                    guard case .string(let reference) = member else { throw malformed("a string") }
                    let target: [String]
                    do throws(JSONSchemaError) {
                        target = try Pointer.tokens(of: reference)
                    } catch {
                        throw JSONSchemaError(message: "\(location): the $ref \(error.message)")
                    }
                    guard Pointer.resolve(target, in: document) != nil else {
                        throw JSONSchemaError(message: "\(location): the $ref \"\(reference)\" points nowhere")
                    }
                    node.ref = try compile(target)
                case "type":
                    node.types = try Self.types(member, malformed: malformed)
                case "enum":
                    guard case .array(let values) = member else { throw malformed("an array") }
                    node.enumValues = values
                case "const":
                    node.constValue = member
                case "allOf", "anyOf", "oneOf":
                    guard case .array(let schemas) = member, !schemas.isEmpty else {
                        throw malformed("a non-empty array of schemas")
                    }
                    var indices: [Int] = []
                    for position in schemas.indices { indices.append(try compile(here + [String(position)])) }
                    switch key {
                    case "allOf": node.allOf = indices
                    case "anyOf": node.anyOf = indices
                    default: node.oneOf = indices
                    }
                case "not":
                    node.not = try compile(here)
                case "required":
                    guard case .array(let names) = member else { throw malformed("an array of strings") }
                    for name in names {
                        guard case .string(let text) = name else { throw malformed("an array of strings") }
                        node.required.append(text)
                    }
                case "properties":
                    guard case .object(let properties) = member else { throw malformed("an object of schemas") }
                    for property in distinctMembers(properties) {
                        node.properties.append((property.key, try compile(here + [property.key])))
                    }
                case "additionalProperties":
                    node.additionalProperties = try compile(here)
                case "items":
                    if case .array = member { throw malformed("one schema (the array form is not draft 2020-12)") }
                    node.items = try compile(here)
                case "minItems", "maxItems", "minLength", "maxLength":
                    guard case .number(let text) = member, let number = ExactNumber(text), number.isInteger,
                        !number.negative
                    else { throw malformed("a non-negative integer") }
                    let count = number.clampedInt
                    switch key {
                    case "minItems": node.minItems = count
                    case "maxItems": node.maxItems = count
                    case "minLength": node.minLength = count
                    default: node.maxLength = count
                    }
                case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                    guard case .number(let text) = member, let number = ExactNumber(text) else {
                        throw malformed("a number")
                    }
                    node.bounds.append(Bound(keyword: key, limit: number, text: text))
                case "format":
                    guard case .string(let name) = member else { throw malformed("a string") }
                    node.format = Format(rawValue: name)
                case "$schema":
                    try checkDialect(member, at: location + "/$schema")
                    continue
                case "$id":
                    guard tokens.isEmpty else {
                        throw JSONSchemaError(
                            message: "\(location): \"$id\" is supported only at the root of the document")
                    }
                    continue
                default:
                    if annotations.contains(key) || key.hasPrefix("x-") { continue }
                    throw JSONSchemaError(
                        message: "\(location): the keyword \"\(key)\" is not supported by this validator")
                }
                node.keywords.append(key)
            }
            return node
        }

        private static func types(
            _ value: JSONValue, malformed: (String) -> JSONSchemaError
        ) throws(JSONSchemaError) -> [SchemaType] {
            let expectation = "a type name or an array of type names"
            switch value {
            case .string(let name):
                guard let type = SchemaType(rawValue: name) else { throw malformed(expectation) }
                return [type]
            case .array(let names):
                var types: [SchemaType] = []
                for name in names {
                    guard case .string(let text) = name, let type = SchemaType(rawValue: text) else {
                        throw malformed(expectation)
                    }
                    types.append(type)
                }
                guard !types.isEmpty else { throw malformed(expectation) }
                return types
            default:
                throw malformed(expectation)
            }
        }

        /// Refuses `$ref`s (and `allOf`/`anyOf`/`oneOf`/`not`) that lead back to a schema without going deeper into
        /// the instance: validating with them would never end.
        func checkCycles() throws(JSONSchemaError) {
            var state = [UInt8](repeating: 0, count: nodes.count)  // 0 unseen, 1 on the current walk, 2 done
            var walk: [Int] = []
            func visit(_ index: Int) throws(JSONSchemaError) {
                if state[index] == 2 { return }
                if state[index] == 1 {
                    let loop = (walk.drop(while: { $0 != index }) + [index]).map { nodes[$0].location }
                    throw JSONSchemaError(
                        message: "\(nodes[index].location): the schema refers to itself without going deeper into the "
                            + "instance (\(loop.joined(separator: " → ")))")
                }
                state[index] = 1
                walk.append(index)
                for next in nodes[index].inPlace { try visit(next) }
                walk.removeLast()
                state[index] = 2
            }
            for index in nodes.indices { try visit(index) }
        }
    }
}

// MARK: - Validation

extension JSONSchema {
    /// Walks an instance along the node table, collecting violations.
    struct Walker {
        typealias Path = [JSONSchemaViolation.Component]
        let nodes: [Node]

        func check(_ value: JSONValue, _ index: Int, _ path: inout Path, _ out: inout [JSONSchemaViolation]) {
            let node = nodes[index]
            func fail(_ keyword: String, _ message: String) {
                out.append(JSONSchemaViolation(path: path, keyword: keyword, message: message))
            }
            if let constant = node.constant {
                if !constant { fail("false", "no value is allowed here, found \(Self.describe(value))") }
                return
            }
            if let ref = node.ref { check(value, ref, &path, &out) }
            if let types = node.types, !types.contains(where: { Self.matches(value, $0) }) {
                fail("type", "expected \(Self.list(types.map(\.phrase))), found \(Self.describe(value))")
            }
            if let values = node.enumValues, !values.contains(where: { equal($0, value) }) {
                fail(
                    "enum",
                    "expected \(Self.choice(values.map(\.excerpt), literal: true)), found \(Self.describe(value))")
            }
            if let constant = node.constValue, !equal(constant, value) {
                fail("const", "expected \(constant.excerpt), found \(Self.describe(value))")
            }
            switch value {
            case .number(let text):
                checkNumber(text, node, fail)
            case .string(let text):
                checkString(text, node, fail)
            case .array(let elements):
                if let minimum = node.minItems, elements.count < minimum {
                    fail("minItems", "expected at least \(Self.count(minimum, "element")), found \(elements.count)")
                }
                if let maximum = node.maxItems, elements.count > maximum {
                    fail("maxItems", "expected at most \(Self.count(maximum, "element")), found \(elements.count)")
                }
                if let items = node.items {
                    for (position, element) in elements.enumerated() {
                        checkChild(element, items, .index(position), "items", "no element is allowed here", &path, &out)
                    }
                }
            case .object(let object):
                checkObject(object, node, &path, &out)
            case .null, .bool:
                break
            }
            for schema in node.allOf { check(value, schema, &path, &out) }
            if let branches = node.anyOf, !branches.contains(where: { isValid(value, $0, &path) }) {
                fail("anyOf", expectation(of: branches, "at least one") + ", found \(Self.describe(value))")
            }
            if let branches = node.oneOf {
                let matching = branches.indices.filter { isValid(value, branches[$0], &path) }
                if matching.isEmpty {
                    fail("oneOf", expectation(of: branches, "exactly one") + ", found \(Self.describe(value))")
                } else if matching.count > 1 {
                    let positions = Self.list(matching.map(String.init), conjunction: "and")
                    fail(
                        "oneOf",
                        "expected a value matching exactly one of the \(branches.count) schemas of oneOf, "
                            + "found \(Self.describe(value)) matching \(matching.count) (numbers \(positions))")
                }
            }
            if let negated = node.not, isValid(value, negated, &path) {
                fail("not", "expected a value the schema of \"not\" refuses, found \(Self.describe(value))")
            }
        }

        private func checkNumber(_ text: String, _ node: Node, _ fail: (String, String) -> Void) {
            guard !node.bounds.isEmpty else { return }
            guard let number = ExactNumber(text) else {
                fail(node.bounds[0].keyword, "expected a number, found the malformed number \(text)")
                return
            }
            for bound in node.bounds where !bound.accepts(number) {
                fail(bound.keyword, "expected a number \(bound.phrase) \(bound.text), found \(text)")
            }
        }

        private func checkString(_ text: String, _ node: Node, _ fail: (String, String) -> Void) {
            if node.minLength != nil || node.maxLength != nil {
                let length = text.unicodeScalars.count
                if let minimum = node.minLength, length < minimum {
                    fail("minLength", "expected at least \(Self.count(minimum, "character")), found \(length)")
                }
                if let maximum = node.maxLength, length > maximum {
                    fail("maxLength", "expected at most \(Self.count(maximum, "character")), found \(length)")
                }
            }
            if let format = node.format, !format.accepts(text) {
                fail("format", "expected \(format.expectation), found \(JSONValue.string(text).excerpt)")
            }
        }

        private func checkObject(
            _ object: JSONObject, _ node: Node, _ path: inout Path, _ out: inout [JSONSchemaViolation]
        ) {
            let members = distinctMembers(object)
            for name in node.required where !members.contains(where: { same($0.key, name) }) {
                out.append(
                    JSONSchemaViolation(path: path, keyword: "required", message: "the key \"\(name)\" is required"))
            }
            guard !node.properties.isEmpty || node.additionalProperties != nil else { return }
            for member in members {
                let refusal = "the key \"\(member.key)\" is not allowed"
                if let property = node.properties.first(where: { same($0.key, member.key) }) {
                    checkChild(member.value, property.node, .key(member.key), "properties", refusal, &path, &out)
                } else if let additional = node.additionalProperties {
                    checkChild(member.value, additional, .key(member.key), "additionalProperties", refusal, &path, &out)
                }
            }
        }

        /// Checks a member or element; a `false` subschema is reported under the keyword that applied it.
        private func checkChild(
            _ value: JSONValue, _ index: Int, _ component: JSONSchemaViolation.Component, _ keyword: String,
            _ refusal: String, _ path: inout Path, _ out: inout [JSONSchemaViolation]
        ) {
            path.append(component)
            defer { path.removeLast() }
            if nodes[index].constant == false {
                out.append(JSONSchemaViolation(path: path, keyword: keyword, message: refusal))
            } else {
                check(value, index, &path, &out)
            }
        }

        private func isValid(_ value: JSONValue, _ index: Int, _ path: inout Path) -> Bool {
            var violations: [JSONSchemaViolation] = []
            check(value, index, &path, &violations)
            return violations.isEmpty
        }

        // MARK: - Messages

        /// What the branches of `anyOf`/`oneOf` accept, listed when each branch is only `type`, `enum` or `const`.
        private func expectation(of branches: [Int], _ quantity: String) -> String {
            var alternatives: [String] = []
            var literal = false
            for branch in branches {
                guard let described = describe(branch, depth: 0) else {
                    let keyword = quantity == "exactly one" ? "oneOf" : "anyOf"
                    return "expected a value matching \(quantity) of the \(branches.count) schemas of \(keyword)"
                }
                literal = literal || described.literal
                for text in described.alternatives where !alternatives.contains(text) { alternatives.append(text) }
            }
            return "expected " + Self.choice(alternatives, literal: literal)
        }

        /// The values or types a simple schema accepts, or nil when it is not that simple.
        private func describe(_ index: Int, depth: Int) -> (alternatives: [String], literal: Bool)? {
            let node = nodes[index]
            if let constant = node.constant { return constant ? nil : ([], false) }
            if node.keywords == ["$ref"], let ref = node.ref, depth < 16 { return describe(ref, depth: depth + 1) }
            guard !node.keywords.isEmpty, node.keywords.allSatisfy({ ["type", "enum", "const"].contains($0) }) else {
                return nil
            }
            let fits = { (value: JSONValue) in
                node.types.map { types in types.contains { Self.matches(value, $0) } } ?? true
            }
            if let constant = node.constValue {
                let accepted = fits(constant) && (node.enumValues?.contains { equal($0, constant) } ?? true)
                return (accepted ? [constant.excerpt] : [], true)
            }
            if let values = node.enumValues { return (values.filter(fits).map(\.excerpt), true) }
            return ((node.types ?? []).map(\.phrase), false)
        }

        /// "a", "a or b", "a, b or c"; long lists keep the first and the last two: "a, …, y or z".
        static func list(_ items: [String], conjunction: String = "or") -> String {
            guard let last = items.last else { return "nothing" }
            guard items.count > 1 else { return last }
            let head = items.count > 6 ? [items[0], "…", items[items.count - 2]] : Array(items.dropLast())
            return head.joined(separator: ", ") + " \(conjunction) " + last
        }

        /// `"a"` alone, or `one of "a", "b" or "c"` for values; types read as a plain list ("a string or null").
        static func choice(_ items: [String], literal: Bool) -> String {
            items.isEmpty ? "no value at all" : (literal && items.count > 1 ? "one of " : "") + list(items)
        }

        static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

        /// A value for a message: scalars as JSON, containers by their type.
        static func describe(_ value: JSONValue) -> String {
            switch value {
            case .array, .object: value.typeDescription
            default: value.excerpt
            }
        }

        static func matches(_ value: JSONValue, _ type: SchemaType) -> Bool {
            switch (type, value) {
            case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.number, .number),
                (.string, .string):
                true
            case (.integer, .number(let text)): ExactNumber(text)?.isInteger ?? false
            default: false
            }
        }
    }
}

// MARK: - Exact numbers

extension JSONSchema {
    /// A JSON number as an exact decimal: 0.d₁d₂…dₙ × 10^exponent, without leading or trailing zero digits.
    /// Exponents written beyond ±10¹² are clamped there (such numbers are not met in practice).
    struct ExactNumber: Sendable, Hashable, Comparable {
        var negative: Bool
        /// The significant digits (0…9); empty for zero.
        var digits: [UInt8]
        var exponent: Int

        /// Parses JSON number text (RFC 8259 grammar); nil for anything else.
        init?(_ text: String) {
            let bytes = Array(text.utf8)
            var index = 0
            func isDigit(_ position: Int) -> Bool { position < bytes.count && bytes[position] &- 0x30 < 10 }
            let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var mantissa: [UInt8] = []
            guard isDigit(index) else { return nil }
            while isDigit(index) {
                mantissa.append(bytes[index] - 0x30)
                index += 1
            }
            let pointPosition = mantissa.count
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard isDigit(index) else { return nil }
                while isDigit(index) {
                    mantissa.append(bytes[index] - 0x30)
                    index += 1
                }
            }
            var written = 0
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                var sign = 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    if bytes[index] == UInt8(ascii: "-") { sign = -1 }
                    index += 1
                }
                guard isDigit(index) else { return nil }
                while isDigit(index) {
                    written = min(written * 10 + Int(bytes[index] - 0x30), 1_000_000_000_000)
                    index += 1
                }
                written *= sign
            }
            guard index == bytes.count else { return nil }
            guard let first = mantissa.firstIndex(where: { $0 != 0 }),
                let last = mantissa.lastIndex(where: { $0 != 0 })
            else {
                (self.negative, digits, exponent) = (false, [], 0)
                return
            }
            self.negative = negative
            digits = Array(mantissa[first...last])
            exponent = pointPosition - first + written
        }

        /// No fractional part: `1`, `1.0` and `1e2` are integers, `1.5` is not.
        var isInteger: Bool { digits.count <= exponent || digits.isEmpty }

        /// The value of a non-negative integer, `Int.max` when larger.
        var clampedInt: Int {
            guard !digits.isEmpty else { return 0 }
            guard exponent <= 18 else { return Int.max }
            var value = 0
            for position in 0..<exponent { value = value * 10 + Int(position < digits.count ? digits[position] : 0) }
            return value
        }

        static func < (lhs: ExactNumber, rhs: ExactNumber) -> Bool {
            if lhs.negative != rhs.negative { return lhs.negative }
            let order = compareMagnitudes(lhs, rhs)
            return lhs.negative ? order > 0 : order < 0
        }

        /// -1, 0 or 1 as |lhs| is smaller than, equal to or larger than |rhs|.
        private static func compareMagnitudes(_ lhs: ExactNumber, _ rhs: ExactNumber) -> Int {
            if lhs.digits.isEmpty || rhs.digits.isEmpty {
                return (lhs.digits.isEmpty ? 0 : 1) - (rhs.digits.isEmpty ? 0 : 1)
            }
            if lhs.exponent != rhs.exponent { return lhs.exponent < rhs.exponent ? -1 : 1 }
            for (left, right) in zip(lhs.digits, rhs.digits) where left != right { return left < right ? -1 : 1 }
            return lhs.digits.count == rhs.digits.count ? 0 : (lhs.digits.count < rhs.digits.count ? -1 : 1)
        }
    }
}
