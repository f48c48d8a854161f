import Foundation
import QuadraCore

/// Checks a report or register XML file against its embedded schema, streaming, with the same safety rules as
/// the register reader (no network, no entities, no DOCTYPE). Used by `quadra validate FILE…`.
public enum SchemaValidator {
    /// At most this many errors become diagnostics; one more says how many were left out.
    public static let errorLimit = 100

    /// Validates the file at `url`, choosing the schema from the root element's name and namespace.
    public static func validate(url: URL, displayPath: String) -> SchemaValidation {
        let root: Root
        switch firstPass(path: url.path, displayPath: displayPath, kind: nil) {
        case .failure(let diagnostics): return SchemaValidation(schema: nil, diagnostics: diagnostics)
        case .success(let found): root = found
        }
        guard let kind = XMLSchemaKind(root: root.name, namespace: root.namespace) else {
            let known = XMLSchemaKind.allCases.map {
                "\($0.rootElement) in " + ($0.namespace.isEmpty ? "no namespace" : $0.namespace) + " (\($0.title))"
            }
            let found = root.namespace.map { "namespace \"\($0)\"" } ?? "no namespace"
            let message =
                "unknown document: the root element '\(root.name)' has \(found); "
                + "expected one of \(known.joined(separator: ", "))"
            let location = SourceLocation(file: displayPath, line: root.line)
            return SchemaValidation(
                schema: nil, diagnostics: [Diagnostic(location: location, message: message, wholeFile: true)])
        }
        return SchemaValidation(schema: kind, diagnostics: schemaPass(path: url.path, displayPath: displayPath, kind))
    }

    /// Validates the file at `url` against `kind`'s schema, whatever its root says.
    public static func validate(url: URL, displayPath: String, as kind: XMLSchemaKind) -> SchemaValidation {
        if case .failure(let diagnostics) = firstPass(path: url.path, displayPath: displayPath, kind: kind) {
            return SchemaValidation(schema: kind, diagnostics: diagnostics)
        }
        return SchemaValidation(schema: kind, diagnostics: schemaPass(path: url.path, displayPath: displayPath, kind))
    }

    // MARK: - The two passes

    /// The root element of a well-formed document.
    private struct Root {
        var name: String
        var namespace: String?
        var line: Int
    }

    private enum FirstPass {
        case success(Root)
        case failure([Diagnostic])
    }

    /// Reads the whole document without a schema: well-formedness and the DOCTYPE rule. libxml2 drops the
    /// parser's own errors once a schema is plugged in, so this pass must come first.
    private static func firstPass(path: String, displayPath: String, kind: XMLSchemaKind?) -> FirstPass {
        let errors = XMLErrorCollector(limit: errorLimit)
        let reader: XMLStreamReader
        do {
            reader = try XMLStreamReader(path: path, errors: errors)
        } catch {
            return .failure([diagnostic(error, displayPath, kind: kind)])
        }
        var root: Root?
        reading: while true {
            switch reader.read() {
            case .end: break reading
            case .failed:
                if reader.stoppedInsideDoctype() {
                    let location = SourceLocation(file: displayPath, line: errors.firstLine ?? reader.parserLine)
                    let message = XMLSafety.doctypeMessage(for: kind)
                    return .failure([Diagnostic(location: location, message: message, wholeFile: true)])
                }
                if errors.total == 0 { errors.record(line: reader.parserLine, message: "libxml2 stopped reading here") }
                break reading
            case .node:
                switch reader.nodeType {
                case XMLStreamReader.documentTypeNode:
                    let location = SourceLocation(file: displayPath, line: reader.line)
                    let message = XMLSafety.doctypeMessage(for: kind)
                    return .failure([Diagnostic(location: location, message: message, wholeFile: true)])
                case XMLStreamReader.elementNode where root == nil:
                    root = Root(name: reader.localName, namespace: reader.namespaceURI, line: reader.line)
                default:
                    continue
                }
            }
        }
        if errors.total > 0 { return .failure(diagnostics(errors, displayPath)) }
        guard let root else {
            let location = SourceLocation(file: displayPath, line: reader.parserLine)
            return .failure([Diagnostic(location: location, message: "no root element found", wholeFile: true)])
        }
        return .success(root)
    }

    /// Streams the document through `kind`'s schema and returns its errors.
    private static func schemaPass(path: String, displayPath: String, _ kind: XMLSchemaKind) -> [Diagnostic] {
        let errors = XMLErrorCollector(limit: errorLimit)
        let reader: XMLStreamReader
        do {
            reader = try XMLStreamReader(path: path, errors: errors)
            try reader.validate(against: CompiledSchema(kind))
        } catch let failure as XMLStreamReader.OpenFailure {
            return [diagnostic(failure, displayPath, kind: kind)]
        } catch {
            return [Diagnostic(location: SourceLocation(file: displayPath), message: "\(error)", wholeFile: true)]
        }
        let outcome = reader.readToEnd()
        if errors.total == 0, outcome != .end || !reader.isValid {
            errors.record(line: reader.parserLine, message: "libxml2 stopped validating here without saying why")
        }
        return diagnostics(errors, displayPath)
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
                location: SourceLocation(file: displayPath), message: "cannot read the file: \(reason)", wholeFile: true
            )
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
