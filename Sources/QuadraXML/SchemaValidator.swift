import Foundation
import QuadraCore

/// Checks a report or register XML file against its embedded schema, streaming, with the same safety rules as
/// the register reader (no network, no entities, no DOCTYPE). Used by `quadra validate FILE…`.
public enum SchemaValidator {
    /// At most this many errors become diagnostics; one more says how many were left out.
    public static let errorLimit = 100

    /// Validates the file at `url`, choosing the schema from the root element's namespace.
    public static func validate(url: URL, displayPath: String) -> SchemaValidation {
        let detected = detectSchema(path: url.path, displayPath: displayPath)
        switch detected {
        case .failure(let diagnostics):
            return SchemaValidation(schema: nil, diagnostics: diagnostics)
        case .success(let kind):
            return validate(url: url, displayPath: displayPath, as: kind)
        }
    }

    /// Validates the file at `url` against `kind`'s schema.
    public static func validate(url: URL, displayPath: String, as kind: XMLSchemaKind) -> SchemaValidation {
        let errors = XMLErrorCollector(limit: errorLimit)
        let reader: XMLStreamReader
        do {
            reader = try XMLStreamReader(path: url.path, errors: errors)
            try reader.validate(against: CompiledSchema(kind))
        } catch let failure as XMLStreamReader.OpenFailure {
            return SchemaValidation(schema: kind, diagnostics: [diagnostic(failure, displayPath, kind: kind)])
        } catch {
            let location = SourceLocation(file: displayPath)
            return SchemaValidation(
                schema: kind, diagnostics: [Diagnostic(location: location, message: "\(error)", wholeFile: true)])
        }
        var failed = false
        reading: while true {
            switch reader.read() {
            case .end: break reading
            case .failed:
                failed = true
                break reading
            case .node:
                if reader.nodeType == XMLStreamReader.documentTypeNode {
                    let location = SourceLocation(file: displayPath, line: reader.line)
                    let message = XMLSafety.doctypeMessage(for: kind)
                    return SchemaValidation(
                        schema: kind, diagnostics: [Diagnostic(location: location, message: message, wholeFile: true)])
                }
            }
        }
        if errors.total == 0, failed || !reader.isValid {
            errors.record(
                line: reader.parserLine, message: "libxml2 stopped reading here without saying why")
        }
        return SchemaValidation(schema: kind, diagnostics: diagnostics(errors, displayPath))
    }

    // MARK: - Detecting the schema

    private enum Detection {
        case success(XMLSchemaKind)
        case failure([Diagnostic])
    }

    /// Reads up to the root element, without a schema, and picks the schema its namespace names.
    private static func detectSchema(path: String, displayPath: String) -> Detection {
        let errors = XMLErrorCollector(limit: errorLimit)
        let reader: XMLStreamReader
        do {
            reader = try XMLStreamReader(path: path, errors: errors)
        } catch {
            return .failure([diagnostic(error, displayPath, kind: nil)])
        }
        while true {
            switch reader.read() {
            case .end, .failed:
                if errors.total == 0 { errors.record(line: reader.parserLine, message: "no root element found") }
                return .failure(diagnostics(errors, displayPath))
            case .node:
                switch reader.nodeType {
                case XMLStreamReader.documentTypeNode:
                    let location = SourceLocation(file: displayPath, line: reader.line)
                    let message = XMLSafety.doctypeMessage(for: nil)
                    return .failure([Diagnostic(location: location, message: message, wholeFile: true)])
                case XMLStreamReader.elementNode:
                    let namespace = reader.namespaceURI
                    if let namespace, let kind = XMLSchemaKind(namespace: namespace) { return .success(kind) }
                    let known = XMLSchemaKind.allCases.map { "\($0.namespace) (\($0.title))" }
                    let found = namespace.map { "namespace \"\($0)\"" } ?? "no namespace"
                    let message =
                        "unknown document: the root element '\(reader.localName)' has \(found); "
                        + "expected one of \(known.joined(separator: ", "))"
                    let location = SourceLocation(file: displayPath, line: reader.line)
                    return .failure([Diagnostic(location: location, message: message, wholeFile: true)])
                default:
                    continue
                }
            }
        }
    }

    // MARK: - Diagnostics

    private static func diagnostics(_ errors: XMLErrorCollector, _ displayPath: String) -> [Diagnostic] {
        var result = errors.entries.map { entry in
            Diagnostic(
                location: SourceLocation(file: displayPath, line: entry.line), message: entry.message, wholeFile: true)
        }
        if errors.omitted > 0 {
            let message = "and \(errors.omitted) more error\(errors.omitted == 1 ? "" : "s") not listed"
            result.append(Diagnostic(location: SourceLocation(file: displayPath), message: message, wholeFile: true))
        }
        return result
    }

    private static func diagnostic(_ failure: XMLStreamReader.OpenFailure, _ displayPath: String, kind: XMLSchemaKind?)
        -> Diagnostic
    {
        switch failure {
        case .cannotOpen(let reason):
            Diagnostic(
                location: SourceLocation(file: displayPath), message: "cannot read the file: \(reason)", wholeFile: true)
        case .doctype(let line):
            Diagnostic(
                location: SourceLocation(file: displayPath, line: line), message: XMLSafety.doctypeMessage(for: kind),
                wholeFile: true)
        case .readerUnavailable:
            Diagnostic(
                location: SourceLocation(file: displayPath),
                message: "cannot read the file: libxml2 could not create a reader", wholeFile: true)
        }
    }
}
