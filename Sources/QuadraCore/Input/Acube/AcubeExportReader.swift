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
        var times = AcubeTimestamps(timeZone: timeZone)
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
                try decode(object, kind: kind, source: source, times: &times, pem: data.pem, into: &data)
            } catch {
                result.diagnostics.append(Diagnostic(location: source, message: error.message))
            }
        }
        return result
    }

    private static func decode(
        _ object: JSONObject, kind: InputKind, source: SourceLocation, times: inout AcubeTimestamps, pem: String,
        into data: inout AcubeData
    ) throws(PosEventDecoder.Rejection) {
        switch kind {
        case .acubeReceipts:
            let receipt = try AcubeReceiptDecoder.decode(TreeFields(object: object), times: &times)
            data.receipts.insertIfAbsent(receipt, source: source)
        case .acubeJournals:
            let fields = TreeFields<JournalKey>(object: object)
            let dateText = try fields.requiredText(.date)
            guard let date = FiscalDay.parse(dateText.prefix(10)) else {
                throw .init(message: "bad \"date\": expected YYYY-MM-DD, found \"\(dateText)\"")
            }
            let status = try fields.requiredText(.status).lowercased()
            guard status == "open" || status == "closed" else {
                throw .init(message: "bad \"status\": expected open or closed, found \"\(status)\"")
            }
            let journal = AcubeJournal(
                uuid: fields.optionalText(.uuid) ?? "", pem: fields.optionalText(.pemSerialNumber) ?? pem,
                date: date, isOpen: status == "open", source: source)
            if !data.journals.contains(where: { $0.uuid == journal.uuid && !journal.uuid.isEmpty }) {
                data.journals.append(journal)
            }
        case .acubeNotifications:
            guard let event = notificationEvent(object) else { return }
            let fields = TreeFields<NotificationKey>(object: object)
            let createdAt = try fields.timestamp(.createdAt, &times)
            let uuid = fields.optionalText(.uuid) ?? "\(createdAt.millis)-\(event.rawValue)"
            if data.notifications[uuid] == nil {
                data.notifications[uuid] = AcubeNotification(
                    uuid: uuid, createdAt: createdAt, event: event, source: source)
            }
        case .acubeEmergencyReports:
            // `closed_at` is a server time: it never decides which day a report covers (formats.md §2).
            let fields = TreeFields<EmergencyReportKey>(object: object)
            let datetime = fields.optionalText(.datetime) != nil ? try fields.timestamp(.datetime, &times) : nil
            let report = AcubeEmergencyReport(id: fields.optionalText(.id) ?? "", datetime: datetime, source: source)
            data.emergencyReports.append(report)
        default:
            return
        }
    }

    /// The keys a journal is read from.
    enum JournalKey: String, FieldKey {
        case date, status, uuid
        case pemSerialNumber = "pem_serial_number"

        static let spellings = ByteSpellings<JournalKey>()
    }

    /// The keys a notification is read from (besides those `notificationEvent(_:)` reads).
    enum NotificationKey: String, FieldKey {
        case createdAt = "created_at"
        case uuid

        static let spellings = ByteSpellings<NotificationKey>()
    }

    /// The keys an emergency report is read from.
    enum EmergencyReportKey: String, FieldKey {
        case datetime, id

        static let spellings = ByteSpellings<EmergencyReportKey>()
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
