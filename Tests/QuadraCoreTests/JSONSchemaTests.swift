import Foundation
import QuadraGenerator
import QuadraTestSupport
import Testing

@testable import QuadraCore

/// `JSONSchema` interprets the schemas of A-Cube's OpenAPI document. Each keyword is checked on small schemas, the
/// document must load, unsupported keywords must be refused, and on generated bodies the verdicts must equal those of
/// Python's `jsonschema` (the reference implementation most A-Cube-like services use).
@Suite struct JSONSchemaTests {
    // MARK: - Helpers

    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    /// The violations of `instance` against the bare schema `schema`, as "pointer keyword" lines.
    static func failures(_ schema: String, _ instance: String) throws -> [String] {
        try JSONSchema(document: json(schema)).validate(json(instance), at: "#").map { "\($0.pointer) \($0.keyword)" }
    }

    /// The message of the error loading `schema` throws, or nil when it loads.
    static func loadingError(_ schema: String) throws -> String? {
        let document = try json(schema)
        do throws(JSONSchemaError) {
            _ = try JSONSchema(document: document)
            return nil
        } catch {
            return error.message
        }
    }

    static let templateURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates/acube-openapi-subset.json")

    static func template() throws -> JSONValue { try JSONParser.parse(Array(try Data(contentsOf: templateURL))) }

    static let emergencyReport = "A-Cube_GOV-IT_PEL_Platform_Pem.EmergencyReportInput"
    static let dailyReportEntry = "A-Cube_GOV-IT_PEL_Platform_DailyReportEntry"
    static let offlineRequest = "E-Receipt_IT_API_PEMStatusOfflineRequest"

    // MARK: - Keywords

    @Test func typeNamesTheJSONTypesAndIntegersHaveNoFraction() throws {
        let integer = #"{"type":"integer"}"#
        for valid in ["1", "-1", "0", "-0", "1.0", "1e2", "1E+2", "10e-1", "0.5e1", "123456789012345678901234567890"] {
            #expect(try Self.failures(integer, valid) == [], "\(valid)")
        }
        for invalid in ["1.5", "1e-1", "0.000001", "null", "true", "\"1\"", "[1]", "{}"] {
            #expect(try Self.failures(integer, invalid) == [" type"], "\(invalid)")
        }
        #expect(try Self.failures(#"{"type":"number"}"#, "1.5") == [])
        #expect(try Self.failures(#"{"type":"number"}"#, "\"1.5\"") == [" type"])
        #expect(try Self.failures(#"{"type":"boolean"}"#, "false") == [])
        #expect(try Self.failures(#"{"type":"boolean"}"#, "0") == [" type"])
        #expect(try Self.failures(#"{"type":"object"}"#, "[]") == [" type"])
        #expect(try Self.failures(#"{"type":"array"}"#, "{}") == [" type"])
        let nullable = #"{"type":["string","null"]}"#
        #expect(try Self.failures(nullable, "null") == [])
        #expect(try Self.failures(nullable, "\"\"") == [])
        #expect(try Self.failures(nullable, "0") == [" type"])

        let schema = try JSONSchema(document: Self.json(integer))
        #expect(schema.validate(.null, at: "#").map(\.message) == ["expected an integer, found null"])
        let either = try JSONSchema(document: Self.json(nullable))
        #expect(either.validate(.number("1.5"), at: "#").map(\.message) == ["expected a string or null, found 1.5"])
    }

    @Test func enumAndConstUseJSONEquality() throws {
        let schema = #"{"enum":[1,"a",{"x":[1,2],"y":null},[1.0],"\u00e9"]}"#
        for valid in ["1", "1.0", "1e0", "100e-2", "\"a\"", #"{"y":null,"x":[1,2.0]}"#, "[1]", "\"\\u00e9\""] {
            #expect(try Self.failures(schema, valid) == [], "\(valid)")
        }
        // `true` is not 1; a decomposed "é" is not the precomposed one (JSON compares code points).
        for invalid in ["true", "\"A\"", #"{"x":[1,2]}"#, #"{"x":[1,2],"y":null,"z":1}"#, "[1,1]", "\"e\\u0301\""] {
            #expect(try Self.failures(schema, invalid) == [" enum"], "\(invalid)")
        }
        #expect(try Self.failures(#"{"const":0}"#, "-0.0") == [])
        #expect(try Self.failures(#"{"const":0}"#, "false") == [" const"])
        #expect(try Self.failures(#"{"const":null}"#, "null") == [])
        #expect(try Self.failures(#"{"const":null}"#, "0") == [" const"])
        let message = try JSONSchema(document: Self.json(#"{"enum":["a","b","c"]}"#)).validate(.string("d"), at: "#")
        #expect(message.map(\.message) == [#"expected one of "a", "b" or "c", found "d""#])
    }

    @Test func numbersAreComparedExactly() throws {
        let range = #"{"minimum":0,"exclusiveMaximum":10}"#
        #expect(try Self.failures(range, "0") == [])
        #expect(try Self.failures(range, "-0.0001") == [" minimum"])
        #expect(try Self.failures(range, "10") == [" exclusiveMaximum"])
        #expect(try Self.failures(range, "1e1") == [" exclusiveMaximum"])
        // A Double would round this to 10.
        #expect(try Self.failures(range, "9.999999999999999999999") == [])
        #expect(try Self.failures(range, "\"20\"") == [], "bounds ignore what is not a number")
        let above = #"{"exclusiveMinimum":0.1,"maximum":1e400}"#
        #expect(try Self.failures(above, "0.1") == [" exclusiveMinimum"])
        #expect(try Self.failures(above, "1e-1") == [" exclusiveMinimum"])
        #expect(try Self.failures(above, "0.10000000000000000001") == [])
        #expect(try Self.failures(above, "1e399") == [])
        #expect(try Self.failures(above, "1.0000000001e400") == [" maximum"])
        // 2^53 + 1: Doubles cannot tell these apart.
        let big = #"{"type":"integer","maximum":9007199254740993}"#
        #expect(try Self.failures(big, "9007199254740993") == [])
        #expect(try Self.failures(big, "9007199254740994") == [" maximum"])
        #expect(try Self.failures(#"{"minimum":-1e-400}"#, "0") == [])
        #expect(try Self.failures(#"{"maximum":-1e-400}"#, "0") == [" maximum"])
        let exclusive = try JSONSchema(document: Self.json(#"{"exclusiveMinimum":0}"#))
        #expect(
            exclusive.validate(.number("0"), at: "#").map(\.message) == ["expected a number greater than 0, found 0"])

        let ordered = ["-1e3", "-10.5", "-1", "-0.5", "0", "1e-400", "0.5", "1", "1.00000000000000000001", "2", "1e2"]
        let numbers = try ordered.map { try #require(JSONSchema.ExactNumber($0), "\($0)") }
        for (lower, higher) in zip(numbers, numbers.dropFirst()) { #expect(lower < higher) }
        #expect(JSONSchema.ExactNumber("1.50") == JSONSchema.ExactNumber("15e-1"))
        #expect(JSONSchema.ExactNumber("-0") == JSONSchema.ExactNumber("0.000"))
        for malformed in ["", "-", "1.", ".5", "1e", "+1", "0x1", "1 "] {
            #expect(JSONSchema.ExactNumber(malformed) == nil)
        }
    }

    @Test func lengthsCountUnicodeCodePoints() throws {
        let schema = #"{"minLength":2,"maxLength":3}"#
        #expect(try Self.failures(schema, "\"é\"") == [" minLength"])
        // Two code points (four UTF-16 units).
        #expect(try Self.failures(schema, "\"😀😀\"") == [])
        // Four code points (two Swift characters).
        #expect(try Self.failures(schema, "\"e\\u0301e\\u0301\"") == [" maxLength"])
        #expect(try Self.failures(schema, "12345") == [], "lengths ignore what is not a string")
    }

    @Test func dateTimeFollowsRFC3339WithAnOffset() throws {
        let schema = #"{"format":"date-time"}"#
        let valid = [
            "2026-11-21T19:02:00+01:00", "2026-11-21T18:02:00Z", "2026-11-21t19:02:00.123z",
            "2024-02-29T23:59:59-00:00",
            "2026-11-21T19:02:00.123456789+14:00",
        ]
        for text in valid { #expect(try Self.failures(schema, JSONText.quoted(text)) == [], "\(text)") }
        let invalid = [
            "2026-11-21T19:02:00", "2026-11-21 19:02:00Z", "2026-13-01T00:00:00Z", "2025-02-29T12:00:00Z",
            "2026-11-21T24:00:00Z", "2026-11-21T19:02Z", "2026-11-21T19:02:60Z", "2026-11-21T19:02:00+1:00",
            "2026-11-21T19:02:00+24:00", "2026-11-21T19:02:00.Z", "2026-11-21", "", "2026-11-21T19:02:00+01:00 ",
            // Python's rfc3339-validator accepts this one: its regex ends with `$`, which matches before a final
            // newline. RFC 3339 does not allow it.
            "2026-11-21T19:02:00Z\n",
        ]
        for text in invalid { #expect(try Self.failures(schema, JSONText.quoted(text)) == [" format"], "\(text)") }
        // RFC 3339's grammar allows the year 0000, which Python's validator refuses (its datetime has no year 0).
        #expect(try Self.failures(schema, "\"0000-01-01T00:00:00Z\"") == [])
        #expect(try Self.failures(schema, "5") == [], "formats ignore what is not a string")
        let message = try JSONSchema(document: Self.json(schema)).validate(.string("2026-11-21T19:02:00"), at: "#")
        #expect(
            message.map(\.message) == [
                #"expected an RFC 3339 date-time with an offset, such as "2026-11-21T19:02:00+01:00", "#
                    + #"found "2026-11-21T19:02:00""#
            ])
    }

    @Test func uuidIsAssertedAndOtherFormatsAreIgnored() throws {
        let schema = #"{"format":"uuid"}"#
        #expect(try Self.failures(schema, "\"123e4567-e89b-12d3-a456-426614174000\"") == [])
        #expect(try Self.failures(schema, "\"123E4567-E89B-12D3-A456-426614174000\"") == [])
        for invalid in ["123e4567e89b12d3a456426614174000", "{123e4567-e89b-12d3-a456-426614174000}", "x"] {
            #expect(try Self.failures(schema, JSONText.quoted(invalid)) == [" format"], "\(invalid)")
        }
        #expect(try Self.failures(#"{"format":"email"}"#, "\"not an email\"") == [])
    }

    @Test func objectsCheckRequiredPropertiesAndAdditionalProperties() throws {
        let closed = #"{"required":["a","b"],"properties":{"a":{"type":"string"}},"additionalProperties":false}"#
        #expect(try Self.failures(closed, #"{"a":1,"c":2}"#) == [" required", "/a type", "/c additionalProperties"])
        #expect(try Self.failures(closed, "[]") == [], "object keywords ignore what is not an object")
        let messages = try JSONSchema(document: Self.json(closed)).validate(Self.json(#"{"a":"x","c":2}"#), at: "#")
        #expect(messages.map(\.message) == [#"the key "b" is required"#, #"the key "c" is not allowed"#])
        let open = #"{"properties":{"a":true},"additionalProperties":{"type":"integer"}}"#
        #expect(try Self.failures(open, #"{"a":"x","b":"y","c":3}"#) == ["/b type"])
        // `JSONParser` refuses a repeated key; in an object built otherwise, the last value is the one checked.
        #expect(throws: JSONParseError.self) { try Self.json(#"{"a":1,"a":"x"}"#) }
        let schema = try JSONSchema(document: Self.json(#"{"properties":{"a":{"type":"string"}}}"#))
        for (values, expected) in [
            ([JSONValue.number("1"), .string("x")], [String]()), ([.string("x"), .number("1")], ["/a type"]),
        ] {
            let instance = JSONValue.object(JSONObject(members: values.map { ("a", $0) }, line: 1))
            #expect(schema.validate(instance, at: "#").map { "\($0.pointer) \($0.keyword)" } == expected)
        }
        // Keys are escaped in the pointer of the violation.
        #expect(try Self.failures(#"{"properties":{"a/b~":{"type":"null"}}}"#, #"{"a/b~":1}"#) == ["/a~1b~0 type"])
        #expect(try Self.failures(#"{"properties":{"a":false}}"#, #"{"a":1}"#) == ["/a properties"])
    }

    @Test func arraysCheckItemsAndTheirCount() throws {
        let schema = #"{"items":{"type":"integer"},"minItems":1,"maxItems":2}"#
        #expect(try Self.failures(schema, "[]") == [" minItems"])
        #expect(try Self.failures(schema, "[1,2]") == [])
        #expect(try Self.failures(schema, #"[1,"x",3]"#) == [" maxItems", "/1 type"])
        #expect(try Self.failures(#"{"items":false}"#, "[1]") == ["/0 items"])
        #expect(try Self.failures(#"{"items":false}"#, "[]") == [])
        let nested = #"{"items":{"items":{"type":"null"}}}"#
        #expect(try Self.failures(nested, "[[null],[null,0]]") == ["/1/1 type"])
    }

    @Test func applicatorsCombineSchemas() throws {
        let all = #"{"allOf":[{"type":"string"},{"minLength":2}]}"#
        #expect(try Self.failures(all, "\"a\"") == [" minLength"])
        #expect(try Self.failures(all, "1") == [" type"])
        let one = #"{"oneOf":[{"type":"integer"},{"minimum":2}]}"#
        #expect(try Self.failures(one, "1") == [])
        #expect(try Self.failures(one, "\"x\"") == [], "minimum accepts a string, integer does not: one match")
        #expect(try Self.failures(one, "3") == [" oneOf"], "both match")
        #expect(try Self.failures(one, "1.5") == [" oneOf"], "none matches")
        let any = #"{"anyOf":[{"type":"string","enum":["N1","N2"]},{"type":"null"}]}"#
        #expect(try Self.failures(any, "null") == [])
        #expect(try Self.failures(any, "\"N2\"") == [])
        let refused = try JSONSchema(document: Self.json(any)).validate(.string("N3"), at: "#")
        #expect(refused.map(\.message) == [#"expected one of "N1", "N2" or null, found "N3""#])
        #expect(try Self.failures(#"{"not":{"type":"null"}}"#, "null") == [" not"])
        #expect(try Self.failures(#"{"not":{"type":"null"}}"#, "1") == [])
        let generic = try JSONSchema(document: Self.json(#"{"anyOf":[{"minimum":5},{"type":"string"}]}"#))
        #expect(
            generic.validate(.number("1"), at: "#").map(\.message) == [
                "expected a value matching at least one of the 2 schemas of anyOf, found 1"
            ])
    }

    @Test func booleanSchemasAndReferences() throws {
        #expect(try Self.failures("true", #"{"anything":[1]}"#) == [])
        #expect(try Self.failures("false", "null") == [" false"])
        let references = #"""
            {"$defs":{"a b":{"type":"integer"},"x/y":{"type":"string"},"t~":{"type":"null"},"é":{"const":1}},
             "properties":{"p":{"$ref":"#/$defs/a%20b"},"q":{"$ref":"#/$defs/x~1y"},"r":{"$ref":"#/$defs/t~0"},
                           "s":{"$ref":"#/$defs/%C3%A9"},"t":{"$ref":"#/properties/p"}}}
            """#
        #expect(try Self.failures(references, #"{"p":1,"q":"","r":null,"s":1,"t":2}"#) == [])
        #expect(
            try Self.failures(references, #"{"p":"1","q":1,"r":1,"s":2,"t":2.5}"#) == [
                "/p type", "/q type", "/r type", "/s const", "/t type",
            ])
        // A schema may refer to itself through properties: each step goes deeper into the instance.
        let tree = ##"{"type":"object","properties":{"child":{"$ref":"#"}},"additionalProperties":false}"##
        #expect(try Self.failures(tree, #"{"child":{"child":{}}}"#) == [])
        #expect(try Self.failures(tree, #"{"child":{"child":{"x":1}}}"#) == ["/child/child/x additionalProperties"])
        // `$ref` applies alongside its sibling keywords (draft 2020-12).
        let sibling = ##"{"$ref":"#/$defs/int","minimum":5,"$defs":{"int":{"type":"integer"}}}"##
        #expect(try Self.failures(sibling, "1.5") == [" type", " minimum"])
        #expect(try Self.failures(sibling, "7") == [])
    }

    // MARK: - Loading

    @Test func unsupportedKeywordsAreRefusedByName() throws {
        let keywords = [
            "pattern", "uniqueItems", "dependentRequired", "nullable", "prefixItems", "if", "patternProperties",
            "propertyNames", "minProperties", "multipleOf", "unevaluatedProperties", "contains", "$anchor",
            "$dynamicRef", "dependentSchemas", "contentSchema", "descripton",
        ]
        for keyword in keywords {
            let message = try Self.loadingError(#"{"properties":{"a":{"\#(keyword)":1}}}"#)
            #expect(message?.contains("\"\(keyword)\"") == true, "\(keyword): \(message ?? "loaded")")
            #expect(message?.hasPrefix("#/properties/a:") == true, "\(message ?? "loaded")")
        }
        let annotations = #"""
            {"title":"t","description":"d","default":1,"examples":[1],"deprecated":true,"readOnly":false,
             "writeOnly":false,"$comment":"c","x-anything":{"pattern":"^$"},"format":"email",
             "$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://example.com/s"}
            """#
        #expect(try Self.loadingError(annotations) == nil)
    }

    @Test func malformedSchemasAndBadReferencesAreRefused() throws {
        let cases: [(schema: String, fragment: String)] = [
            (#"{"type":"int"}"#, #""type" must be a type name"#),
            (#"{"required":"a"}"#, #""required" must be an array of strings"#),
            (#"{"items":[{}]}"#, #""items" must be one schema"#),
            (#"{"minLength":-1}"#, #""minLength" must be a non-negative integer"#),
            (#"{"maxItems":1.5}"#, #""maxItems" must be a non-negative integer"#),
            (#"{"minimum":"0"}"#, #""minimum" must be a number"#),
            (#"{"anyOf":[]}"#, #""anyOf" must be a non-empty array"#),
            (#"{"properties":{"a":1}}"#, "#/properties/a: a schema must be an object or a boolean"),
            (##"{"$ref":"#/$defs/missing"}"##, ##"the $ref "#/$defs/missing" points nowhere"##),
            (#"{"$ref":"other.json#/a"}"#, "is not a local reference"),
            (##"{"$ref":"#anchor"}"##, "names an anchor"),
            (##"{"$ref":"#/$defs/a~2"}"##, "'~' not followed by 0 or 1"),
            (##"{"$ref":"#/%zz"}"##, "bad percent-escape"),
            (##"{"$ref":"#"}"##, "refers to itself without going deeper into the instance (# → #)"),
            (
                ##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"allOf":[true,{"not":{"$ref":"#/$defs/a"}}]}}}"##,
                "refers to itself"
            ),
            (#"{"properties":{"a":{"$id":"x"}}}"#, #""$id" is supported only at the root"#),
            (#"{"$schema":"http://json-schema.org/draft-07/schema#"}"#, "is not JSON Schema draft 2020-12"),
            (#"{"openapi":"3.0.3","components":{"schemas":{}}}"#, "only OpenAPI 3.1 documents"),
        ]
        for (schema, fragment) in cases {
            let message = try Self.loadingError(schema)
            #expect(message?.contains(fragment) == true, "\(schema): \(message ?? "loaded")")
        }
    }

    @Test func anOpenAPIDocumentIsCheckedOnlyWhereSchemasAre() throws {
        let document = try Self.json(
            #"""
            {"openapi":"3.1.0","info":{"title":"t","version":"1"},
             "paths":{"/a":{"get":{"parameters":[{"name":"n","in":"query","schema":{"type":"string","pattern":"^a"}}]}}},
             "components":{"schemas":{"A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/B"}}},
                                      "B":{"type":"integer"}}}}
            """#)
        let schema = try JSONSchema(document: document)
        #expect(schema.validate(try Self.json(#"{"b":1}"#), at: "#/components/schemas/A") == [])
        let wrong = try Self.json(#"{"b":"1"}"#)
        #expect(schema.validate(wrong, at: "#/components/schemas/A").map(\.pointer) == ["/b"])
        // The parameter's schema was not checked when loading; validating against it refuses, never accepts.
        let parameter = schema.validate(.string("a"), at: "#/paths/~1a/get/parameters/0/schema")
        #expect(parameter.map(\.keyword) == ["$ref"])
        #expect(parameter.first?.message.contains("\"pattern\"") == true)
        #expect(schema.validate(.null, at: "#/components/schemas/Missing").map(\.keyword) == ["$ref"])

        let unsupported = try Self.json(#"{"openapi":"3.1.0","components":{"schemas":{"A":{"uniqueItems":true}}}}"#)
        #expect(throws: JSONSchemaError.self) { try JSONSchema(document: unsupported) }
    }

    @Test func theACubeSubsetLoadsAndChecksQuadrasBodies() throws {
        let schema = try JSONSchema(document: Self.template())
        let upload = EmergencyReportUpload(
            pem: "E001-000001", fiscalDay: FiscalDay(year: 2026, month: 11, day: 21),
            datetime: "2026-11-21T19:02:00+01:00", documentsCount: 2, cashPaymentAmount: Money(cents: 1250),
            electronicPaymentAmount: Money(cents: 2000), ticketRestaurantPaymentAmount: .zero,
            entries: [
                EmergencyReportUpload.Entry(
                    vatRateCode: try #require(VatCode("10.00")), gross: Money(cents: 1100),
                    vatAmount: Money(cents: 100), partialAmount: Money(cents: 1000)),
                EmergencyReportUpload.Entry(
                    vatRateCode: try #require(VatCode("N2")), gross: Money(cents: 2150), vatAmount: .zero,
                    partialAmount: Money(cents: 2150)),
            ])
        let body = try JSONParser.parse(upload.jsonBytes())
        #expect(schema.validate(body, at: "#/components/schemas/" + Self.emergencyReport) == [])

        let bad = try Self.json(
            #"{"documents_count":0,"ticket_restaurant_quantity":null,"entries":[{"vat_rate_code":"23.00"},{}]}"#)
        let violations = schema.validate(bad, at: "#/components/schemas/" + Self.emergencyReport)
        #expect(
            violations.map(\.description) == [
                #"(root): the key "datetime" is required"#,
                "/documents_count: expected a number greater than 0, found 0",
                "/ticket_restaurant_quantity: expected an integer, found null",
                #"/entries/0: the key "partial_amount" is required"#,
                #"/entries/0/vat_rate_code: expected one of "N1", …, "12.30" or null, found "23.00""#,
                #"/entries/1: the key "partial_amount" is required"#,
            ])
        #expect(violations.map(\.keyword) == ["required", "exclusiveMinimum", "type", "required", "anyOf", "required"])
        let offline = try Self.json(#"{"timestamp":"2026-11-21T19:02:00","reason":"power cut"}"#)
        #expect(
            schema.validate(offline, at: "#/components/schemas/" + Self.offlineRequest).map(\.keyword) == ["format"])
    }

    // MARK: - Against Python's jsonschema

    @Test func verdictsEqualPythonJsonschemaOnGeneratedBodies() async throws {
        let document = try Self.template()
        let schema = try JSONSchema(document: document)
        var random = SplitMix64(seed: 20_261_121)
        var cases: [(name: String, instance: JSONValue)] = []
        for name in [Self.emergencyReport, Self.dailyReportEntry, Self.offlineRequest] {
            for index in 0..<400 {
                cases.append((name, BodyGenerator.body(for: name, mutations: index == 0 ? 0 : 1 + index % 3, &random)))
            }
        }
        let swiftViolations = cases.map { schema.validate($0.instance, at: "#/components/schemas/" + $0.name) }
        let python = try await Self.pythonVerdicts(cases.map { ($0.name, $0.instance) })
        guard let python else { return }
        try #require(python.count == cases.count, "Python gave \(python.count) verdicts for \(cases.count) bodies")

        var disagreements: [String] = []
        for (position, testCase) in cases.enumerated() where python[position] != swiftViolations[position].isEmpty {
            let swift = swiftViolations[position].map(\.description).joined(separator: "; ")
            disagreements.append(
                "\(testCase.name) \(BodyGenerator.render(testCase.instance)): Python says "
                    + (python[position] ? "valid" : "invalid") + ", Swift says " + (swift.isEmpty ? "valid" : swift))
        }
        #expect(
            disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.joined(separator: "\n"))")

        // The mix must mean something: for each schema both verdicts are common, and formats decide some bodies.
        for name in Set(cases.map(\.name)) {
            let verdicts = cases.indices.filter { cases[$0].name == name }.map { swiftViolations[$0].isEmpty }
            let valid = verdicts.filter { $0 }.count
            #expect(valid * 5 >= verdicts.count && (verdicts.count - valid) * 5 >= verdicts.count, "\(name): \(valid)")
        }
        let formatOnly = swiftViolations.filter { !$0.isEmpty && $0.allSatisfy { $0.keyword == "format" } }.count
        #expect(formatOnly >= 20, "\(formatOnly) bodies fail by their date-time alone")
    }

    /// Python's verdicts (true for valid), or nil after recording why Python could not give them.
    static func pythonVerdicts(_ cases: [(name: String, instance: JSONValue)]) async throws -> [Bool]? {
        do {
            return try await PythonJSONSchema.verdicts(
                document: templateURL, cases: cases.map { ($0.name, BodyGenerator.render($0.instance)) })
        } catch let failure as ExternalProgram.Failure {
            Issue.record("\(failure)")
            return nil
        }
    }
}

// MARK: - Generated bodies

/// Valid A-Cube bodies and deterministic mutations of them: keys dropped, set to other types, to integers written in
/// several ways, to date-times right and wrong, to VAT codes inside and outside the enum; entries added and broken.
private enum BodyGenerator {
    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members: members.map { (key: $0.0, value: $0.1) }, line: 1))
    }

    static func strings(_ texts: [String]) -> [JSONValue] { texts.map(JSONValue.string) }
    static func numbers(_ texts: [String]) -> [JSONValue] { texts.map(JSONValue.number) }

    static let anyValues: [JSONValue] =
        [.null, .bool(true), .bool(false), .array([]), .array([.number("1")]), object([]), object([("a", .null)])]
        + numbers(["0", "1", "-1", "1.0", "1.5", "1e2", "-0", "2.5E1", "1E-2", "100000000000000000000"])
        + strings(["", "x", "12.30", "2026-11-21T19:02:00+01:00"])

    static let dateTimes = strings([
        "2026-11-21T19:02:00+01:00", "2026-11-21T18:02:00Z", "2026-11-21t19:02:00.5z", "2024-02-29T23:59:59.999-05:30",
        "2026-03-29T02:30:00+02:00", "2026-11-21T19:02:00.123456+00:00",
        "2026-11-21T19:02:00", "2026-11-21 19:02:00Z", "2026-13-01T00:00:00Z", "2025-02-29T12:00:00Z",
        "2026-11-21T24:00:00Z", "2026-11-21T19:02Z", "2026-11-21T19:02:60+01:00", "2026-11-21T19:02:00+1:00",
        "2026-11-21T19:02:00+24:00", "21/11/2026 19:02", "2026-11-21", "2026-11-21T19:02:00.Z",
        "2026-11-21T19:02:00+01:00 ", "2026-04-31T10:00:00Z",
    ])

    static let integers = numbers([
        "0", "1", "-1", "1.0", "1.5", "1e2", "-0", "0.0", "2", "1E0", "0.5e1", "10e-1", "1e-1", "-1e2", "37",
        "99999999999999999999",
    ])

    static let amounts = strings(["12.30", "0.00", "", "-1.00", "abc", "1000000.00"])

    static let vatCodes = strings(
        ["N1", "N2", "N3", "N4", "N5", "N6", "4.00", "5.00", "10.00", "22.00", "2.00", "6.40", "7.00", "7.30"]
            + ["7.50", "7.65", "7.95", "8.30", "8.50", "8.80", "9.50", "12.30"]
            + ["23.00", "22", "22.0", "n1", "N7", "N0", "", " 22.00", "22,00", "4", "0.00"])

    static let entryKeys = [
        "vat_rate_code", "vat_amount", "simplified_vat_allocation", "partial_amount", "total_returned_amount",
        "total_voided_amount", "total_prepaid_or_voucher_amount", "total_uncollected_services",
        "total_uncollected_invoiced", "total_uncollected_dcr_to_ssn", "total_uncollected_complimentary", "ateco_code",
        "unknown_key",
    ]

    static let reportKeys = [
        "datetime", "documents_count", "cash_payment_amount", "electronic_payment_amount",
        "ticket_restaurant_payment_amount", "ticket_restaurant_quantity", "entries", "unknown_key",
    ]

    static let baseEntry = object([
        ("vat_rate_code", .string("22.00")), ("vat_amount", .string("2.22")),
        ("simplified_vat_allocation", .bool(false)),
        ("partial_amount", .string("10.08")), ("total_returned_amount", .null), ("total_voided_amount", .null),
        ("total_prepaid_or_voucher_amount", .null), ("total_uncollected_services", .null),
        ("total_uncollected_invoiced", .null), ("total_uncollected_dcr_to_ssn", .null),
        ("total_uncollected_complimentary", .null), ("ateco_code", .null),
    ])

    static let baseReport = object([
        ("datetime", .string("2026-11-21T19:02:00+01:00")), ("documents_count", .number("3")),
        ("cash_payment_amount", .string("12.30")), ("electronic_payment_amount", .string("0.00")),
        ("ticket_restaurant_payment_amount", .string("0.00")), ("ticket_restaurant_quantity", .number("0")),
        (
            "entries",
            .array([baseEntry, object([("vat_rate_code", .string("N2")), ("partial_amount", .string("5.00"))])])
        ),
    ])

    static let baseOffline = object([("timestamp", .string("2026-11-21T19:02:00+01:00")), ("reason", .string("x"))])

    /// The valid body of schema `name` after `mutations` random changes.
    static func body(for name: String, mutations: Int, _ random: inout SplitMix64) -> JSONValue {
        var body: JSONValue
        var keys: [String]
        switch name {
        case JSONSchemaTests.emergencyReport: (body, keys) = (baseReport, reportKeys)
        case JSONSchemaTests.dailyReportEntry: (body, keys) = (baseEntry, entryKeys)
        default: (body, keys) = (baseOffline, ["timestamp", "reason", "unknown_key"])
        }
        for _ in 0..<mutations {
            if random.chance(0.03) { return pick(anyValues, &random) }
            let key = pick(keys, &random)
            if key == "entries", random.chance(0.6) {
                body = mutatingEntries(of: body, &random)
            } else {
                body = mutating(body, key: key, &random)
            }
        }
        return body
    }

    /// Changes the member `key` of an object: drops it, repeats it, or sets a value likely or unlikely to fit.
    static func mutating(_ value: JSONValue, key: String, _ random: inout SplitMix64) -> JSONValue {
        guard case .object(var object) = value else { return value }
        let roll = random.unit()
        if roll < 0.15 {
            object.members.removeAll { $0.key == key }
            return .object(object)
        }
        let replacement = random.chance(0.65) ? pick(fitting(key), &random) : pick(anyValues, &random)
        if roll < 0.2 {
            object.members.append((key, replacement))  // a repeated key: the last one counts
        } else if let position = object.members.lastIndex(where: { $0.key == key }) {
            object.members[position].value = replacement
        } else {
            object.members.append((key, replacement))
        }
        return .object(object)
    }

    /// Values of the kind `key` takes, right and wrong.
    static func fitting(_ key: String) -> [JSONValue] {
        switch key {
        case "datetime", "timestamp": dateTimes + [.null]
        case "documents_count", "ticket_restaurant_quantity": integers
        case "vat_rate_code": vatCodes + [.null]
        case "simplified_vat_allocation": [.bool(true), .bool(false), .null, .string("false")]
        case "entries": [.array([]), .array([baseEntry]), .null, object([])]
        case "reason": strings(["", "power cut", "x"]) + [.null, .number("1")]
        default: amounts + [.null]
        }
    }

    /// Changes the entries of a report: one entry's member, an entry added, dropped or replaced.
    static func mutatingEntries(of report: JSONValue, _ random: inout SplitMix64) -> JSONValue {
        guard case .object(var object) = report,
            let position = object.members.lastIndex(where: { $0.key == "entries" }),
            case .array(var entries) = object.members[position].value
        else { return report }
        let roll = random.next() % 5
        if roll < 3, !entries.isEmpty {
            let index = Int(random.next() % UInt64(entries.count))
            entries[index] = mutating(entries[index], key: pick(entryKeys, &random), &random)
        } else if roll < 4 {
            entries.append(random.chance(0.7) ? baseEntry : pick(anyValues, &random))
        } else if !entries.isEmpty {
            entries.remove(at: Int(random.next() % UInt64(entries.count)))
        }
        object.members[position].value = .array(entries)
        return .object(object)
    }

    static func pick<T>(_ values: [T], _ random: inout SplitMix64) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    /// Compact JSON text, numbers as written and repeated keys kept.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): text
        case .string(let text): JSONText.quoted(text)
        case .array(let elements): "[" + elements.map(render).joined(separator: ",") + "]"
        case .object(let object):
            "{" + object.members.map { JSONText.quoted($0.key) + ":" + render($0.value) }.joined(separator: ",") + "}"
        }
    }
}
