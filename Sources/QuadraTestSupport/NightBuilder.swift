import Foundation
import QuadraCore

/// Builds `NightInputs` from short inline inputs: POS lines are written to files and read by `NightReader` (the
/// scanner, the spill and the fold the binary uses: there is no other way in), A-Cube pages go through
/// `AcubeExportReader`, register entries are made directly. `reconcile(asOf:)` runs the reconciler in Europe/Rome.
public struct NightBuilder {
    public static let pem = "E001-000001"

    /// The A-Cube data, register entries and their diagnostics; the POS logs are kept as text until `night()`.
    public var inputs = NightInputs()
    public let timeZone = FiscalTimeZone.rome
    private var posLogs: [(file: String, lines: [String])] = []
    private var registerLines = 1

    /// A night whose PEMs in `acubeFor` have an (empty) `acube/<PEM>/` folder, so A-Cube side rules run.
    public init(acubeFor pems: [String] = [NightBuilder.pem]) {
        for pem in pems { inputs.acube[pem] = AcubeData(pem: pem) }
    }

    // MARK: - POS logs

    /// Adds JSON Lines to the POS log `file`. They are read when the night is: written to a folder and read by
    /// `NightReader`, through the scanner, the spill and the fold the binary uses.
    public mutating func pos(_ lines: String..., file: String = "pos/T1.jsonl") {
        if let index = posLogs.firstIndex(where: { $0.file == file }) {
            posLogs[index].lines += lines
        } else {
            posLogs.append((file, lines))
        }
    }

    /// The night as the reconciler gets it: the POS logs read by `NightReader` (spilled), with the A-Cube data
    /// and register entries built here.
    public func night() throws -> NightInputs {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-builder-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        for log in posLogs {
            let url = folder.appendingPathComponent(log.file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(log.lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var night = try NightReader(timeZone: timeZone, registerXML: nil).read(directory: folder)
        night.acube = inputs.acube
        night.registers = inputs.registers
        night.diagnostics = (inputs.diagnostics + night.diagnostics).sorted { $0.location < $1.location }
        night.files = (inputs.files + night.files).sorted { $0.path < $1.path }
        return night
    }

    public static func sale(
        _ sale: String, at ts: String, total: String, payment: String = "electronic", pem: String = NightBuilder.pem,
        terminal: String = "T1", lines: [(vat: String, gross: String)]? = nil
    ) -> String {
        let saleLines = (lines ?? [("22.00", total)]).map { "{\"vat\":\"\($0.vat)\",\"gross\":\"\($0.gross)\"}" }
        return "{\"ts\":\"\(ts)\",\"event\":\"sale\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\","
            + "\"pem\":\"\(pem)\",\"total\":\"\(total)\",\"payment\":\"\(payment)\","
            + "\"lines\":[\(saleLines.joined(separator: ","))]}"
    }

    public static func request(
        _ sale: String, _ posRefId: String, at ts: String, amount: Int, kind: String = "purchase",
        terminal: String = "T1"
    ) -> String {
        "{\"ts\":\"\(ts)\",\"event\":\"payment_request\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\","
            + "\"posRefId\":\"\(posRefId)\",\"kind\":\"\(kind)\",\"amount\":\(amount)}"
    }

    public static func response(
        _ sale: String, _ posRefId: String, at ts: String, success: Bool, amount: Int? = nil,
        userOverride: Bool = false, terminal: String = "T1"
    ) -> String {
        "{\"ts\":\"\(ts)\",\"event\":\"payment_response\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\","
            + "\"posRefId\":\"\(posRefId)\",\"success\":\(success)"
            + (amount.map { ",\"amount\":\($0)" } ?? "") + (userOverride ? ",\"userOverride\":true" : "")
            + ",\"hostResponseText\":\"\(success ? "APPROVED" : "DECLINED")\"}"
    }

    public static func issued(
        _ sale: String, _ uuid: String, at ts: String, total: String, pem: String = NightBuilder.pem,
        terminal: String = "T1", documentNumber: String = "0001-0001"
    ) -> String {
        "{\"ts\":\"\(ts)\",\"event\":\"receipt_issued\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\","
            + "\"pem\":\"\(pem)\",\"receiptUuid\":\"\(uuid)\",\"documentNumber\":\"\(documentNumber)\","
            + "\"total\":\"\(total)\"}"
    }

    public static func failed(
        _ sale: String, at ts: String, reason: String, pem: String = NightBuilder.pem, terminal: String = "T1"
    ) -> String {
        "{\"ts\":\"\(ts)\",\"event\":\"receipt_failed\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\","
            + "\"pem\":\"\(pem)\",\"reason\":\"\(reason)\"}"
    }

    public static func started(at ts: String, terminal: String = "T1") -> String {
        "{\"ts\":\"\(ts)\",\"event\":\"pos_started\",\"terminal\":\"\(terminal)\"}"
    }

    // MARK: - A-Cube exports

    /// Reads A-Cube export pages (`{"members":[…]}`) or arrays into `acube/<pem>/`, creating the folder.
    public mutating func acube(
        _ pem: String = NightBuilder.pem, receipts: [String] = [], journals: [String] = [],
        notifications: [String] = [], emergencyReports: [String] = []
    ) {
        var data = inputs.acube[pem] ?? AcubeData(pem: pem)
        let files: [(InputKind, String, String?)] = [
            (.acubeReceipts, "receipts.json", receipts.isEmpty ? nil : Self.page(receipts)),
            (.acubeJournals, "journals.json", journals.isEmpty ? nil : Self.page(journals)),
            (.acubeNotifications, "notifications.json", notifications.isEmpty ? nil : Self.page(notifications)),
            (
                .acubeEmergencyReports, "emergency-reports.json",
                emergencyReports.isEmpty ? nil : "[" + emergencyReports.joined(separator: ",\n") + "]"
            ),
        ]
        for (kind, name, text) in files {
            guard let text else { continue }
            let result = AcubeExportReader.read(
                Array(text.utf8), kind: kind, displayPath: "acube/\(pem)/\(name)", timeZone: timeZone, into: &data)
            inputs.diagnostics.append(contentsOf: result.diagnostics)
        }
        inputs.acube[pem] = data
    }

    /// A `receipt_issued` event for `sale` and the A-Cube sale receipt it names. `local` is the wall-clock time in
    /// Rome in winter (`2026-11-21T10:00:04`); `acubeTotal` defaults to `total`.
    public mutating func issuedReceipt(
        _ sale: String, _ uuid: String, local: String, total: String, acubeTotal: String? = nil,
        terminal: String = "T1", pem: String = NightBuilder.pem
    ) {
        pos(
            Self.issued(sale, uuid, at: local + "+01:00", total: total, pem: pem, terminal: terminal),
            file: "pos/\(terminal).jsonl")
        acube(pem, receipts: [Self.receipt(uuid, at: local, total: acubeTotal ?? total)])
    }

    /// An A-Cube list page, one member per line.
    public static func page(_ members: [String]) -> String {
        "{\"members\":[\n" + members.joined(separator: ",\n") + "\n],\"total\":\(members.count),\"page\":1,\"size\":50}"
    }

    /// An A-Cube receipt; `at` is A-Cube's naive local `document_datetime`.
    public static func receipt(
        _ uuid: String, at: String, total: String? = nil, type: String = "sale", parent: String? = nil,
        documentNumber: String = "0001-0001"
    ) -> String {
        "{\"uuid\":\"\(uuid)\",\"type\":\"\(type)\",\"total_amount\":\(total.map { "\"\($0)\"" } ?? "null"),"
            + "\"document_number\":\"\(documentNumber)\",\"document_datetime\":\"\(at)\","
            + "\"parent_receipt_uuid\":\(parent.map { "\"\($0)\"" } ?? "null")}"
    }

    public static func journal(_ date: String, status: String, pem: String = NightBuilder.pem, uuid: String? = nil)
        -> String
    {
        "{\"uuid\":\"\(uuid ?? "j-" + date)\",\"pem_serial_number\":\"\(pem)\",\"date\":\"\(date)\","
            + "\"sequence_number\":1,\"total_receipts\":1,\"total_amount\":\"1.00\",\"status\":\"\(status)\"}"
    }

    /// A notification keyed on `code` (SYS-C-01, SYS-I-01, SYS-W-01, SYS-I-02).
    public static func notification(_ uuid: String, code: String, at: String) -> String {
        "{\"uuid\":\"\(uuid)\",\"message\":\"m\",\"scope\":\"pem\",\"source\":\"mf2\",\"level\":\"info\","
            + "\"created_at\":\"\(at)\",\"type\":\"T\",\"code\":\"\(code)\",\"payload\":{}}"
    }

    public static func offline(_ uuid: String, at: String) -> String { notification(uuid, code: "SYS-C-01", at: at) }
    public static func online(_ uuid: String, at: String) -> String { notification(uuid, code: "SYS-I-01", at: at) }
    public static func commFailure(_ uuid: String, at: String) -> String {
        notification(uuid, code: "SYS-W-01", at: at)
    }
    public static func commRestored(_ uuid: String, at: String) -> String {
        notification(uuid, code: "SYS-I-02", at: at)
    }

    // MARK: - Registers

    /// Adds one register entry as a reader would produce it; each entry gets the next line of `file`.
    public mutating func register(
        pem: String = NightBuilder.pem, at recordedAt: String, sale: String?, payment: PaymentMethod = .cash,
        lines: [(vat: String, gross: String)], file: String = "emergency/r.csv"
    ) {
        registerLines += 1
        let instant = timeZone.instant(of: TimestampParser.parse(recordedAt)!)
        inputs.registers.append(
            RegisterEntry(
                pem: pem, recordedAt: instant, fiscalDay: timeZone.fiscalDay(of: instant), sale: sale,
                payment: payment, lines: lines.map { VatAmount(vat: VatCode($0.vat)!, gross: Money.parse($0.gross)!) },
                source: SourceLocation(file: file, line: registerLines)))
    }

    // MARK: - Reconciling

    /// An absolute instant from RFC 3339 text.
    public static func instant(_ text: String) -> Instant {
        guard let value = TimestampParser.parseAbsolute(text) else { fatalError("bad timestamp in a test: \(text)") }
        return value
    }

    public static func day(_ text: String) -> FiscalDay {
        guard let value = FiscalDay.parse(text) else { fatalError("bad day in a test: \(text)") }
        return value
    }

    public func reconcile(
        asOf: String, state: StateSnapshot = StateSnapshot(), recoveries: [String: RecoveryOutcome] = [:],
        rejectedSubmissions: [PemDay: String] = [:], uncertainSubmissions: [SubmissionSubject: String] = [:]
    ) -> Reconciliation {
        try! Reconciler.reconcile(
            night(),
            context: ReconcileContext(
                asOf: Self.instant(asOf), timeZone: timeZone, state: state, recoveries: recoveries,
                rejectedSubmissions: rejectedSubmissions, uncertainSubmissions: uncertainSubmissions))
    }
}

// MARK: - Small helpers for assertions

extension Finding {
    /// The contract's subject of the finding (formats.md §3), as short text.
    public var subjectText: String {
        switch code {
        case .paymentInProgress, .paymentRecoveredApproved, .paymentRecoveredDeclined, .paymentManualOverride,
            .paymentStillInProgress, .paymentNotFound, .paymentUnreachable, .paymentAmountMismatch:
            return posRefId ?? "?"
        case .doubleCharge, .receiptMissing, .receiptNotInJournal, .receiptAmountMismatch, .receiptForUnpaidSale,
            .offlineSaleNotRecorded:
            return sale ?? "?"
        case .offlineRecordUnsubmitted:
            return sale ?? "row " + subjectRest.joined(separator: ":")
        case .orphanReceipt, .receiptDuringOffline:
            return receiptUuid ?? "?"
        case .journalNotClosed, .submissionRejected, .submissionUncertain:
            return "\(pem ?? "?") \(fiscalDay?.description ?? "?")"
        case .acubeDataMissing:
            return pem ?? "?"
        case .platformOffline, .communicationIncident, .offlinePeriodNotNotified:
            return "\(pem ?? "?") \(subjectRest.first ?? "?")"
        case .inputRejected:
            return detail
        }
    }

    /// `CODE subject`.
    public var codeAndSubject: String { code.rawValue + " " + subjectText }
}

extension Reconciliation {
    /// Every finding as `CODE subject`, as a set.
    public var codeSubjects: Set<String> { Set(findings.map(\.codeAndSubject)) }

    /// Every finding as `CODE subject`, in report order.
    public var orderedCodeSubjects: [String] { findings.map(\.codeAndSubject) }

    /// The one finding with this code, if exactly one.
    public func only(_ code: FindingCode) -> Finding? {
        let matching = findings.filter { $0.code == code }
        return matching.count == 1 ? matching[0] : nil
    }
}
