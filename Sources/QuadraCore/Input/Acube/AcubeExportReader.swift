/// Reads the A-Cube export files of one PEM's folder (formats.md §1.2), tolerantly: numbers may be strings,
/// unknown keys are ignored, a bad member is rejected alone with the line where it starts.
public enum AcubeExportReader {
    /// What one export file gave.
    public struct FileResult: Sendable {
        public var recordsRead = 0
        public var diagnostics: [Diagnostic] = []
    }

    /// Parses one export file's bytes into `data`. `kind` says which list it holds.
    public static func read(
        _ bytes: [UInt8], kind: InputKind, displayPath: String, timeZone: FiscalTimeZone, into data: inout AcubeData
    ) -> FileResult {
        if kind == .acubeReceipts,
            let fast = bytes.withUnsafeBufferPointer({
                AcubeReceiptsPageScanner.read($0, displayPath: displayPath, timeZone: timeZone, into: &data)
            })
        {
            return fast
        }
        return readTree(bytes, kind: kind, displayPath: displayPath, timeZone: timeZone, into: &data)
    }

    /// The tree path: the whole file parsed into a `JSONValue`, then each member decoded from it.
    static func readTree(
        _ bytes: [UInt8], kind: InputKind, displayPath: String, timeZone: FiscalTimeZone, into data: inout AcubeData
    ) -> FileResult {
        var result = FileResult()
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            result.diagnostics.append(
                Diagnostic(
                    location: SourceLocation(file: displayPath, line: error.line),
                    message: "\(error.description); the whole file is skipped", wholeFile: true))
            return result
        }
        let members: [JSONValue]
        switch root {
        case .array(let items):
            members = items
        case .object(let object):
            guard let items = object["members"]?.arrayValue else {
                result.diagnostics.append(
                    Diagnostic(
                        location: SourceLocation(file: displayPath, line: object.line),
                        message: "expected an object with a \"members\" array (an A-Cube list page) or an array",
                        wholeFile: true))
                return result
            }
            members = items
        default:
            result.diagnostics.append(
                Diagnostic(
                    location: SourceLocation(file: displayPath, line: 1),
                    message: "expected an A-Cube list page, found \(root.typeDescription)", wholeFile: true))
            return result
        }
        for member in members {
            result.recordsRead += 1
            guard case .object(let object) = member else {
                result.diagnostics.append(
                    Diagnostic(
                        location: SourceLocation(file: displayPath),
                        message: "expected an object in the list, found \(member.typeDescription)"))
                continue
            }
            let source = SourceLocation(file: displayPath, line: object.line)
            do throws(PosEventDecoder.Rejection) {
                try decode(object, kind: kind, source: source, timeZone: timeZone, pem: data.pem, into: &data)
            } catch {
                result.diagnostics.append(Diagnostic(location: source, message: error.message))
            }
        }
        return result
    }

    private static func decode(
        _ object: JSONObject, kind: InputKind, source: SourceLocation, timeZone: FiscalTimeZone, pem: String,
        into data: inout AcubeData
    ) throws(PosEventDecoder.Rejection) {
        let fields = LenientFields(object: object)
        switch kind {
        case .acubeReceipts:
            let uuid = try fields.requiredText("uuid").lowercased()
            let typeText = try fields.requiredText("type")
            guard let receiptKind = AcubeReceipt.Kind(rawValue: typeText.lowercased()) else {
                throw .init(message: "bad \"type\": expected sale, return or void, found \"\(typeText)\"")
            }
            let receipt = AcubeReceipt(
                uuid: uuid, kind: receiptKind, totalAmount: try fields.optionalMoney("total_amount"),
                documentNumber: fields.optionalText("document_number"),
                documentAt: try fields.timestamp("document_datetime", timeZone: timeZone),
                parentUuid: fields.optionalText("parent_receipt_uuid")?.lowercased(), source: source)
            data.receipts.insertIfAbsent(receipt)
        case .acubeJournals:
            let dateText = try fields.requiredText("date")
            guard let date = FiscalDay.parse(dateText.prefix(10)) else {
                throw .init(message: "bad \"date\": expected YYYY-MM-DD, found \"\(dateText)\"")
            }
            let status = try fields.requiredText("status").lowercased()
            guard status == "open" || status == "closed" else {
                throw .init(message: "bad \"status\": expected open or closed, found \"\(status)\"")
            }
            let journal = AcubeJournal(
                uuid: fields.optionalText("uuid") ?? "", pem: fields.optionalText("pem_serial_number") ?? pem,
                date: date, isOpen: status == "open", source: source)
            if !data.journals.contains(where: { $0.uuid == journal.uuid && !journal.uuid.isEmpty }) {
                data.journals.append(journal)
            }
        case .acubeNotifications:
            guard let event = notificationEvent(object) else { return }
            let createdAt = try fields.timestamp("created_at", timeZone: timeZone)
            let uuid = fields.optionalText("uuid") ?? "\(createdAt.millis)-\(event.rawValue)"
            if data.notifications[uuid] == nil {
                data.notifications[uuid] = AcubeNotification(
                    uuid: uuid, createdAt: createdAt, event: event, source: source)
            }
        case .acubeEmergencyReports:
            // `closed_at` is a server time: it never decides which day a report covers (formats.md §2).
            let datetime =
                fields.optionalText("datetime") != nil ? try fields.timestamp("datetime", timeZone: timeZone) : nil
            let report = AcubeEmergencyReport(id: fields.optionalText("id") ?? "", datetime: datetime, source: source)
            data.emergencyReports.append(report)
        default:
            return
        }
    }

    /// The status change a notification announces, keyed on `code`, or on the older
    /// `type: PEM_STATUS_CHANGED` with `data.to` / `payload.to`. Nil for notifications Quadra does not use.
    static func notificationEvent(_ object: JSONObject) -> AcubeNotification.Event? {
        switch object["code"]?.stringValue?.uppercased() {
        case "SYS-W-01": return .communicationFailure
        case "SYS-C-01": return .offline
        case "SYS-I-01": return .online
        case "SYS-I-02": return .communicationRestored
        default: break
        }
        guard object["type"]?.stringValue?.uppercased() == "PEM_STATUS_CHANGED" else { return nil }
        let body = object["payload"]?.objectValue ?? object["data"]?.objectValue
        switch body?["to"]?.stringValue?.uppercased() {
        case "OFFLINE": return .offline
        case "ONLINE": return .online
        default: return nil
        }
    }
}

/// Reads A-Cube fields leniently: a number may come as a string and a string as a number.
struct LenientFields {
    let object: JSONObject

    func optionalText(_ key: String) -> String? {
        switch object[key] {
        case .string(let text)? where !text.isEmpty: return text
        case .number(let text)?: return text
        default: return nil
        }
    }

    func requiredText(_ key: String) throws(PosEventDecoder.Rejection) -> String {
        guard let text = optionalText(key) else { throw .init(message: "missing required key \"\(key)\"") }
        return text
    }

    func optionalMoney(_ key: String) throws(PosEventDecoder.Rejection) -> Money? {
        guard let text = optionalText(key) else { return nil }
        guard let money = Money.parse(text) else {
            throw .init(message: "bad \"\(key)\": expected a decimal amount like \"12.50\", found \"\(text)\"")
        }
        return money
    }

    /// A timestamp with an offset, or without one (local time in the fiscal zone).
    func timestamp(_ key: String, timeZone: FiscalTimeZone) throws(PosEventDecoder.Rejection) -> Instant {
        let text = try requiredText(key)
        guard let parsed = TimestampParser.parse(text) else {
            throw .init(message: "bad \"\(key)\": expected a timestamp like 2026-11-21T19:02:00, found \"\(text)\"")
        }
        return timeZone.instant(of: parsed)
    }
}
