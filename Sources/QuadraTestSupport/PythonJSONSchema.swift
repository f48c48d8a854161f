import Foundation

/// Python's `jsonschema` (draft 2020-12, date-time checked by `rfc3339-validator`): an implementation independent of
/// Quadra's own, that tests check request bodies and `JSONSchema`'s verdicts against.
public enum PythonJSONSchema {
    /// Why Python could not give verdicts: a message saying what to install.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What to install when Python cannot check.
    public static let hint = "the check needs python3 with jsonschema: pip install jsonschema rfc3339-validator"

    /// A Python program that prints, for each `{"schema", "instance"}` case, 1 when valid and 0 when not.
    static let program = #"""
        import json, sys
        try:
            import jsonschema, rfc3339_validator
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012
        except ImportError as error:
            sys.exit(f"missing Python package ({error}): pip install jsonschema rfc3339-validator")
        with open(sys.argv[1], encoding="utf-8") as file:
            document = json.load(file)
        with open(sys.argv[2], encoding="utf-8") as file:
            cases = json.load(file)
        base = "https://quadra.invalid/acube-openapi-subset.json"
        registry = Registry().with_resource(base, DRAFT202012.create_resource(document))
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        validators = {}
        def validator(name):
            if name not in validators:
                schema = {"$ref": base + "#/components/schemas/" + name}
                validators[name] = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)
            return validators[name]
        probe = validator("E-Receipt_IT_API_PEMStatusOfflineRequest")
        if probe.is_valid({"timestamp": "2026-11-21T19:02:00", "reason": "x"}) or not probe.is_valid(
                {"timestamp": "2026-11-21T19:02:00Z", "reason": "x"}):
            sys.exit("jsonschema does not check format date-time: pip install jsonschema rfc3339-validator")
        print("".join("1" if validator(case["schema"]).is_valid(case["instance"]) else "0" for case in cases))
        """#

    /// For each case (a schema name of `document`'s `components.schemas`, and an instance as JSON text), whether
    /// Python's `jsonschema` finds the instance valid. Throws `ExternalProgram.Failure` when Python or the
    /// packages are missing, `Failure` when it gives a wrong number of verdicts.
    public static func verdicts(document: URL, cases: [(schema: String, json: String)]) async throws -> [Bool] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-schema-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let casesURL = directory.appendingPathComponent("cases.json")
        let rendered = cases.map { #"{"schema":"# + quoted($0.schema) + #","instance":"# + $0.json + "}" }
        try Data(("[" + rendered.joined(separator: ",\n") + "]").utf8).write(to: casesURL)
        let data = try await ExternalProgram.python(program, [document.path, casesURL.path], hint: hint).stdout
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count == cases.count else {
            throw Failure(description: "python3 gave \(text.count) verdicts for \(cases.count) cases")
        }
        return text.map { $0 == "1" }
    }

    /// A JSON string literal (the schema names are plain ASCII).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
