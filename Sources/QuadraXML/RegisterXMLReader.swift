import Foundation
import QuadraCore

/// Reads an emergency register in XML (formats.md §1.4) in two streaming passes: the first checks
/// well-formedness and the DOCTYPE rule and collects the entries, the second validates against the embedded
/// `emergency-register.xsd` (libxml2 2.9 drops the parser's own errors once a schema is plugged in, hence two).
///
/// A document that is not well-formed, has a DOCTYPE or fails the schema is rejected whole: no entries and one
/// whole-file diagnostic listing its errors with their lines. A value the schema cannot judge (a timestamp
/// that is no real time, a VAT code A-Cube does not list, a gross of zero) rejects only its entry.
public enum RegisterXMLReader {
    /// At most this many errors are spelled out in a whole-file rejection; the rest are counted.
    public static let errorLimit = 20

    /// Reads the register at `url`; `displayPath` (relative to the night) goes into every diagnostic and
    /// entry source, and naive local times are read in `timeZone`.
    public static func read(url: URL, displayPath: String, timeZone: FiscalTimeZone) -> RegisterReadResult {
        let kind = XMLSchemaKind.emergencyRegister

        // Pass 1, without the schema: well-formedness, the DOCTYPE rule, and the entries.
        let parseErrors = XMLErrorCollector(limit: errorLimit)
        let parser: XMLStreamReader
        do {
            parser = try XMLStreamReader(path: url.path, errors: parseErrors)
        } catch {
            return rejected(displayPath, openFailure: error, kind: kind)
        }
        var state = State(displayPath: displayPath, timeZone: timeZone)
        var failed = false
        reading: while true {
            switch parser.read() {
            case .end: break reading
            case .failed:
                failed = true
                break reading
            case .node:
                break
            }
            switch parser.nodeType {
            case XMLStreamReader.documentTypeNode:
                // A DOCTYPE the prolog scan could not see (a UTF-16 file, say): stop before anything else.
                return rejected(
                    displayPath, line: parser.line, message: XMLSafety.doctypeMessage(for: kind), recordsRead: 0)
            case XMLStreamReader.elementNode:
                guard parser.namespaceURI == kind.namespace else { continue }
                state.startElement(parser.localName, line: parser.line, attributes: parser.attributes())
                if parser.isEmptyElement { state.endElement(parser.localName) }
            case XMLStreamReader.endElementNode:
                guard parser.namespaceURI == kind.namespace else { continue }
                state.endElement(parser.localName)
            default:
                continue
            }
        }
        if failed, parser.stoppedInsideDoctype() {
            let line = parseErrors.firstLine ?? parser.parserLine
            return rejected(displayPath, line: line, message: XMLSafety.doctypeMessage(for: kind), recordsRead: 0)
        }
        if parseErrors.total > 0 || failed {
            return rejected(
                displayPath, errors: parseErrors, stoppedAt: parser.parserLine,
                headline: "not well-formed XML, so the whole file is rejected", recordsRead: state.entriesSeen)
        }

        // Pass 2: streaming validation against the embedded schema.
        let schemaErrors = XMLErrorCollector(limit: errorLimit)
        let validator: XMLStreamReader
        do {
            validator = try XMLStreamReader(path: url.path, errors: schemaErrors)
            try validator.validate(against: CompiledSchema(kind))
        } catch let failure as XMLStreamReader.OpenFailure {
            return rejected(displayPath, openFailure: failure, kind: kind)
        } catch {
            return rejected(displayPath, line: nil, message: "\(error)", recordsRead: state.entriesSeen)
        }
        let outcome = validator.readToEnd()
        if schemaErrors.total > 0 || outcome != .end || !validator.isValid {
            return rejected(
                displayPath, errors: schemaErrors, stoppedAt: validator.parserLine,
                headline:
                    "does not match the \(kind.title) schema (\(kind.schemaFileName)), so the whole file is rejected",
                recordsRead: state.entriesSeen)
        }
        return RegisterReadResult(
            entries: state.entries, diagnostics: state.diagnostics, recordsRead: state.entriesSeen)
    }

    // MARK: - Whole-file rejections

    private static func rejected(
        _ displayPath: String, errors: XMLErrorCollector, stoppedAt line: Int, headline: String, recordsRead: Int
    ) -> RegisterReadResult {
        let detail =
            switch errors.total {
            case 0: "libxml2 stopped reading at line \(line) without saying why"
            case 1: "1 error: \(errors.summary())"
            default: "\(errors.total) errors: \(errors.summary())"
            }
        return rejected(
            displayPath, line: errors.firstLine ?? line, message: "\(headline): \(detail)", recordsRead: recordsRead)
    }

    private static func rejected(
        _ displayPath: String, openFailure: XMLStreamReader.OpenFailure, kind: XMLSchemaKind
    ) -> RegisterReadResult {
        switch openFailure {
        case .cannotOpen(let reason):
            rejected(displayPath, line: nil, message: "cannot read the file: \(reason)", recordsRead: 0)
        case .doctype(let line):
            rejected(displayPath, line: line, message: XMLSafety.doctypeMessage(for: kind), recordsRead: 0)
        case .readerUnavailable:
            rejected(
                displayPath, line: nil, message: "cannot read the file: libxml2 could not create a reader",
                recordsRead: 0)
        }
    }

    private static func rejected(_ displayPath: String, line: Int?, message: String, recordsRead: Int)
        -> RegisterReadResult
    {
        let diagnostic = Diagnostic(
            location: SourceLocation(file: displayPath, line: line), message: message, wholeFile: true)
        return RegisterReadResult(entries: [], diagnostics: [diagnostic], recordsRead: recordsRead)
    }

    // MARK: - Entries

    /// The entries read so far and the entry being read.
    private struct State {
        let displayPath: String
        let timeZone: FiscalTimeZone
        var pem: String?
        var pending: PendingEntry?
        var entries: [RegisterEntry] = []
        var diagnostics: [Diagnostic] = []
        var entriesSeen = 0

        init(displayPath: String, timeZone: FiscalTimeZone) {
            self.displayPath = displayPath
            self.timeZone = timeZone
        }

        mutating func startElement(_ name: String, line: Int, attributes: [String: String]) {
            switch name {
            case "emergencyRegister":
                pem = attributes["pem"]?.trimmingXMLWhitespace()
            case "entry":
                finishEntry()
                entriesSeen += 1
                pending = PendingEntry(line: line, attributes: attributes)
            case "line":
                pending?.lines.append(PendingLine(line: line, attributes: attributes))
            default:
                break
            }
        }

        mutating func endElement(_ name: String) {
            if name == "entry" { finishEntry() }
        }

        private mutating func finishEntry() {
            guard let entry = pending else { return }
            pending = nil
            switch entry.resolve(pem: pem ?? "", timeZone: timeZone, file: displayPath) {
            case .success(let value): entries.append(value)
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
    }

    private enum Resolution {
        case success(RegisterEntry)
        case failure(Diagnostic)
    }

    private struct PendingLine {
        var line: Int
        var attributes: [String: String]
    }

    private struct PendingEntry {
        var line: Int
        var attributes: [String: String]
        var lines: [PendingLine] = []

        /// The entry, or one diagnostic naming every value of it that is wrong.
        func resolve(pem: String, timeZone: FiscalTimeZone, file: String) -> Resolution {
            var problems: [String] = []
            if !PEMSerial.isValid(pem) {
                problems.append(PEMSerial.rejection(of: pem, in: "pem of emergencyRegister"))
            }
            let recordedAtText = value("recordedAt", in: attributes)
            let timestamp = TimestampParser.parse(recordedAtText)
            if timestamp == nil {
                problems.append(
                    "bad recordedAt: expected RFC 3339 or YYYY-MM-DD HH:MM[:SS], found \(quoted(recordedAtText))")
            }
            let paymentText = value("payment", in: attributes)
            let payment = PaymentMethod(rawValue: paymentText)
            if payment == nil {
                problems.append("bad payment: expected cash, electronic or ticket, found \(quoted(paymentText))")
            }
            if lines.isEmpty {
                problems.append("no line: expected one or more line elements with vatRateCode and gross")
            }
            var amounts: [VatAmount] = []
            for item in lines {
                let at = item.line == line ? "" : " (line \(item.line))"
                let vatText = value("vatRateCode", in: item.attributes)
                let vat = VatCode(vatText)
                if vat == nil {
                    problems.append(
                        "bad vatRateCode\(at): expected a rate A-Cube lists (4.00, 5.00, 10.00, 22.00…) or N1…N6, "
                            + "found \(quoted(vatText))")
                }
                let grossText = value("gross", in: item.attributes)
                let gross = Money.parse(grossText, allowComma: true).flatMap { $0 > .zero ? $0 : nil }
                if gross == nil {
                    problems.append(
                        "bad gross\(at): expected euros greater than zero with at most two decimals "
                            + "(12.50 or 12,50), found \(quoted(grossText))")
                }
                if let vat, let gross { amounts.append(VatAmount(vat: vat, gross: gross)) }
            }
            if VatAmount.sum(amounts) == nil { problems.append("the line grosses add up to more than can be counted") }
            let location = SourceLocation(file: file, line: line)
            guard problems.isEmpty, let timestamp, let payment else {
                return .failure(
                    Diagnostic(
                        location: location, message: problems.joined(separator: "; ") + "; the entry is rejected"))
            }
            let instant = timeZone.instant(of: timestamp)
            let sale = attributes["sale"]?.trimmingXMLWhitespace()
            return .success(
                RegisterEntry(
                    pem: pem, recordedAt: instant, fiscalDay: timeZone.fiscalDay(of: instant),
                    sale: sale?.isEmpty == false ? sale : nil, payment: payment, lines: amounts, source: location))
        }

        private func value(_ name: String, in attributes: [String: String]) -> String {
            attributes[name]?.trimmingXMLWhitespace() ?? ""
        }

        private func quoted(_ text: String) -> String {
            "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
    }
}
