import Foundation
import QuadraCore

/// Writes a realistic night in the contract's formats, with every scenario at a configurable rate, and the
/// findings it planted (`expected-findings.json`), so the reconciliation can be checked against ground truth.
/// Same settings and seed, same bytes.
public struct NightGenerator {
    public struct Settings: Sendable, Hashable {
        public var sales = 10_000
        public var pems = 4
        public var terminals = 8
        public var seed: UInt64 = 1
        /// Per normal sale: an attempt the POS never got an answer for.
        public var crash = 0.01
        /// A declined attempt, then an approved one.
        public var decline = 0.03
        /// An approval entered by hand on the terminal.
        public var override = 0.005
        /// Two approved attempts.
        public var doubleCharge = 0.002
        /// A cash sale never receipted, outside any outage.
        public var receiptMissing = 0.005
        /// Share of PEMs with a 30-minute client outage, and with a one-hour platform outage.
        public var clientOutage = 0.25
        public var platformOutage = 0.25
        /// Share of PEMs with a communication incident restored in time.
        public var incident = 0.25
        /// Share of offline sales the merchant wrote in the emergency register.
        public var recorded = 0.7
        /// A-Cube receipts no POS event names, per PEM.
        public var orphansPerPem = 1
        /// Per POS line: a broken line.
        public var badLine = 0.0005
        /// Share of offline sales paid with meal tickets (`ticket`), and of offline sales whose line has a natura
        /// code (`N1`…`N6`) instead of 22.00: both 0 unless told, so the nights generated before stay byte for byte.
        public var ticket = 0.0
        public var natura = 0.0

        public init() {}
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// The night's fiscal day and the as-of that reconciles it.
    public static let day = "2026-11-21"
    public static let asOf = "2026-11-22T06:00:00+01:00"

    /// Writes the night into `directory` and returns the findings it planted, by code.
    @discardableResult
    public func write(to directory: URL) throws -> [FindingCode: Int] {
        precondition(settings.pems >= 1 && settings.terminals >= settings.pems)
        var random = SplitMix64(seed: settings.seed)
        var expected: [FindingCode: Int] = [:]
        let fileManager = FileManager.default
        for sub in ["pos", "acube", "emergency"] {
            try fileManager.createDirectory(
                at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let perTerminal = max(1, settings.sales / settings.terminals)
        // 08:00 local on the night's day: sales run from 08:00 to 22:00.
        let dayStart = FiscalTimeZone.rome.startOfDay(FiscalDay(year: 2026, month: 11, day: 21)).millis + 8 * 3_600_000
        let spacing = 14 * 3_600_000 / Int64(perTerminal)
        // Each normal sale draws one number; these cumulative bounds pick its scenario.
        let thresholds = (
            crash: settings.crash, decline: settings.crash + settings.decline,
            override: settings.crash + settings.decline + settings.override,
            doubleCharge: settings.crash + settings.decline + settings.override + settings.doubleCharge,
            receiptMissing: settings.crash + settings.decline + settings.override + settings.doubleCharge
                + settings.receiptMissing
        )
        for p in 0..<settings.pems {
            let pem = String(format: "E%03d-%06d", p / 1000 + 1, p + 1)
            let client = random.chance(settings.clientOutage)
            let platform = random.chance(settings.platformOutage)
            let incident = random.chance(settings.incident)
            // Client outage 10:00–10:30, platform outage 16:00–17:00, incident 19:00–19:20 (local, +01:00).
            let clientWindow = (dayStart + 2 * 3_600_000, dayStart + 2 * 3_600_000 + 1_800_000)
            let platformWindow = (dayStart + 8 * 3_600_000, dayStart + 9 * 3_600_000)
            var receipts: [String] = []
            var registerRows: [(sale: String, at: Int64, payment: String, gross: String, vat: String)] = []
            var clientSales = 0
            var offlineSales = 0
            for t in stride(from: p, to: settings.terminals, by: settings.pems) {
                let terminal = "T\(t + 1)"
                var log = BufferedFile(
                    try FileHandle(forWritingTo: create(directory.appendingPathComponent("pos/\(terminal).jsonl"))))
                for k in 0..<perTerminal {
                    let at = dayStart + Int64(k) * spacing + Int64(t)  // terminals never tie
                    let sale = "\(terminal)-\(k + 1)"
                    let cents = 100 + Int64(random.next() % 9_900)
                    let total = Money(cents: cents).description
                    // A sale is in an outage when it, or its receipt two seconds later, falls inside it.
                    func inside(_ window: (Int64, Int64)) -> Bool {
                        (at >= window.0 && at < window.1) || (at + 2000 >= window.0 && at + 2000 < window.1)
                    }
                    // The client window lasts until the PEM's next issued receipt, a little after 10:30: an
                    // unreceipted sale there would be offline, so none is planted there.
                    func afterClientWindow(_ at: Int64) -> Bool {
                        at >= clientWindow.1 && at < clientWindow.1 + 5 * spacing + 2000
                    }
                    let inClient = client && inside(clientWindow)
                    let inPlatform = platform && inside(platformWindow)
                    if random.chance(settings.badLine) {
                        log.line("{\"ts\":\"\(iso(at))\",\"event\":\"sale\",\"terminal\":\"\(terminal)\"")
                        expected[.inputRejected, default: 0] += 1
                    }
                    if inClient || inPlatform {
                        // Offline: paid (cash, tickets or an approved card), no receipt, maybe in the register.
                        let cash = random.chance(0.5)
                        let ticket = settings.ticket > 0 && random.chance(settings.ticket)
                        let payment = ticket ? "ticket" : cash ? "cash" : "electronic"
                        let vat =
                            settings.natura > 0 && random.chance(settings.natura)
                            ? "N\(random.next() % 6 + 1)" : "22.00"
                        log.line(saleLine(at, terminal, sale, pem, total, payment, vat: vat))
                        if payment == "electronic" { approved(&log, at, terminal, sale, "\(sale)-1", cents) }
                        let reason = inClient ? "unreachable" : "offline"
                        log.line(
                            "{\"ts\":\"\(iso(at + 2000))\",\"event\":\"receipt_failed\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\",\"pem\":\"\(pem)\",\"reason\":\"\(reason)\"}"
                        )
                        if inClient { clientSales += 1 }
                        offlineSales += 1
                        if random.chance(settings.recorded) {
                            registerRows.append((sale, at, payment, total, vat))
                            expected[.offlineRecordUnsubmitted, default: 0] += 1
                        } else {
                            expected[.offlineSaleNotRecorded, default: 0] += 1
                        }
                        continue
                    }
                    let r = random.unit()
                    var receipted = true
                    if r < thresholds.crash {
                        log.line(saleLine(at, terminal, sale, pem, total, "electronic"))
                        log.line(request(at + 1000, terminal, sale, "\(sale)-1", cents))
                        expected[.paymentInProgress, default: 0] += 1
                        receipted = false
                    } else if r < thresholds.decline {
                        log.line(saleLine(at, terminal, sale, pem, total, "electronic"))
                        log.line(request(at + 1000, terminal, sale, "\(sale)-1", cents))
                        log.line(response(at + 1500, terminal, sale, "\(sale)-1", success: false, hostText: "DECLINED"))
                        approved(&log, at + 1000, terminal, sale, "\(sale)-2", cents)
                    } else if r < thresholds.override {
                        log.line(saleLine(at, terminal, sale, pem, total, "electronic"))
                        log.line(request(at + 1000, terminal, sale, "\(sale)-1", cents))
                        log.line(
                            response(
                                at + 1500, terminal, sale, "\(sale)-1", success: true, cents: cents, override: true))
                        expected[.paymentManualOverride, default: 0] += 1
                    } else if r < thresholds.doubleCharge {
                        log.line(saleLine(at, terminal, sale, pem, total, "electronic"))
                        approved(&log, at, terminal, sale, "\(sale)-1", cents)
                        approved(&log, at + 500, terminal, sale, "\(sale)-2", cents)
                        expected[.doubleCharge, default: 0] += 1
                    } else if r < thresholds.receiptMissing && !(client && afterClientWindow(at)) {
                        log.line(saleLine(at, terminal, sale, pem, total, "cash"))
                        expected[.receiptMissing, default: 0] += 1
                        receipted = false
                    } else if random.chance(0.4) {
                        log.line(saleLine(at, terminal, sale, pem, total, "cash"))
                    } else {
                        log.line(saleLine(at, terminal, sale, pem, total, "electronic"))
                        approved(&log, at, terminal, sale, "\(sale)-1", cents)
                    }
                    if receipted {
                        let uuid = uuidText(&random)
                        log.line(
                            "{\"ts\":\"\(iso(at + 2000))\",\"event\":\"receipt_issued\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\",\"pem\":\"\(pem)\",\"receiptUuid\":\"\(uuid)\",\"documentNumber\":\"\(sale)\",\"total\":\"\(total)\"}"
                        )
                        receipts.append(receipt(uuid, total, at + 2000))
                    }
                }
                try log.close()
            }
            for _ in 0..<settings.orphansPerPem {
                receipts.append(receipt(uuidText(&random), "9.99", dayStart + 3 * 3_600_000))
                expected[.orphanReceipt, default: 0] += 1
            }
            let folder = directory.appendingPathComponent("acube/\(pem)")
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            for (index, start) in stride(from: 0, to: max(receipts.count, 1), by: 1000).enumerated() {
                let members = receipts[start..<min(start + 1000, receipts.count)].joined(separator: ",\n")
                try Data(
                    "{\"members\":[\n\(members)\n],\"total\":\(receipts.count),\"page\":\(index + 1),\"size\":1000}\n"
                        .utf8
                )
                .write(to: folder.appendingPathComponent("receipts-\(index + 1).json"))
            }
            let journalOpen = client && clientSales > 0
            try Data(
                "{\"members\":[{\"uuid\":\"j-\(pem)\",\"pem_serial_number\":\"\(pem)\",\"date\":\"\(Self.day)\",\"status\":\"\(journalOpen ? "open" : "closed")\"}]}\n"
                    .utf8
            )
            .write(to: folder.appendingPathComponent("journals.json"))
            var notes: [String] = []
            if platform {
                notes.append(notification("\(pem)-1", "SYS-W-01", platformWindow.0 - 1_800_000))
                notes.append(notification("\(pem)-2", "SYS-C-01", platformWindow.0))
                notes.append(notification("\(pem)-3", "SYS-I-01", platformWindow.1))
                expected[.platformOffline, default: 0] += 1
            }
            if incident {
                notes.append(notification("\(pem)-4", "SYS-W-01", dayStart + 11 * 3_600_000))
                notes.append(notification("\(pem)-5", "SYS-I-02", dayStart + 11 * 3_600_000 + 1_200_000))
                expected[.communicationIncident, default: 0] += 1
            }
            try Data("{\"members\":[\(notes.joined(separator: ","))]}\n".utf8)
                .write(to: folder.appendingPathComponent("notifications.json"))
            try Data("[]\n".utf8).write(to: folder.appendingPathComponent("emergency-reports.json"))
            if journalOpen {
                expected[.journalNotClosed, default: 0] += 1
                expected[.offlinePeriodNotNotified, default: 0] += 1
            }
            if !registerRows.isEmpty { try writeRegister(registerRows, pem: pem, xml: p % 2 == 1, into: directory) }
            _ = offlineSales
        }
        let summary = expected.sorted { $0.key < $1.key }.map { "  \(JSONText.quoted($0.key.rawValue)): \($0.value)" }
        try Data(("{\n" + summary.joined(separator: ",\n") + "\n}\n").utf8)
            .write(to: directory.appendingPathComponent("expected-findings.json"))
        return expected
    }

    // MARK: - Lines

    private func create(_ url: URL) throws -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    private func iso(_ millis: Int64) -> String { FiscalTimeZone.rome.format(Instant(millis: millis)) }

    private func saleLine(
        _ at: Int64, _ terminal: String, _ sale: String, _ pem: String, _ total: String, _ payment: String,
        vat: String = "22.00"
    )
        -> String
    {
        "{\"ts\":\"\(iso(at))\",\"event\":\"sale\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\",\"pem\":\"\(pem)\",\"total\":\"\(total)\",\"payment\":\"\(payment)\",\"lines\":[{\"vat\":\"\(vat)\",\"gross\":\"\(total)\"}]}"
    }

    private func request(_ at: Int64, _ terminal: String, _ sale: String, _ ref: String, _ cents: Int64) -> String {
        "{\"ts\":\"\(iso(at))\",\"event\":\"payment_request\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\",\"posRefId\":\"\(ref)\",\"kind\":\"purchase\",\"amount\":\(cents)}"
    }

    private func approved(
        _ log: inout BufferedFile, _ at: Int64, _ terminal: String, _ sale: String, _ ref: String, _ cents: Int64
    ) {
        log.line(request(at + 1000, terminal, sale, ref, cents))
        log.line(response(at + 1400, terminal, sale, ref, success: true, cents: cents, hostText: "APPROVED"))
    }

    /// A `payment_response` line; keys in the order every generated night has used.
    private func response(
        _ at: Int64, _ terminal: String, _ sale: String, _ ref: String, success: Bool, cents: Int64? = nil,
        override: Bool = false, hostText: String? = nil
    ) -> String {
        var line =
            "{\"ts\":\"\(iso(at))\",\"event\":\"payment_response\",\"terminal\":\"\(terminal)\",\"sale\":\"\(sale)\","
            + "\"posRefId\":\"\(ref)\",\"success\":\(success)"
        if let cents { line += ",\"amount\":\(cents)" }
        if override { line += ",\"userOverride\":true" }
        if let hostText { line += ",\"hostResponseText\":\"\(hostText)\"" }
        return line + "}"
    }

    private func receipt(_ uuid: String, _ total: String, _ at: Int64) -> String {
        let local = CivilDateTime(instant: Instant(millis: at), offsetSeconds: 3600)
        let text = local.rfc3339(offsetSeconds: 3600).prefix(19)
        return
            "{\"uuid\":\"\(uuid)\",\"type\":\"sale\",\"total_amount\":\"\(total)\",\"document_datetime\":\"\(text)\"}"
    }

    private func notification(_ id: String, _ code: String, _ at: Int64) -> String {
        "{\"uuid\":\"n-\(id)\",\"code\":\"\(code)\",\"created_at\":\"\(iso(at))\",\"payload\":{}}"
    }

    private func uuidText(_ random: inout SplitMix64) -> String {
        let a = random.next()
        let b = random.next()
        let hex = String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-8" + String(c[17..<20]) + "-"
            + String(c[20..<32])
    }

    private func writeRegister(
        _ rows: [(sale: String, at: Int64, payment: String, gross: String, vat: String)], pem: String, xml: Bool,
        into directory: URL
    ) throws {
        if xml {
            var text =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<emergencyRegister xmlns=\"urn:quadra:emergency-register:1\" pem=\"\(pem)\">\n"
            for row in rows {
                text += "  <entry recordedAt=\"\(iso(row.at))\" sale=\"\(row.sale)\" payment=\"\(row.payment)\">\n"
                text += "    <line vatRateCode=\"\(row.vat)\" gross=\"\(row.gross)\"/>\n  </entry>\n"
            }
            try Data((text + "</emergencyRegister>\n").utf8).write(
                to: directory.appendingPathComponent("emergency/\(pem).xml"))
        } else {
            var text = "\u{FEFF}pem;recorded_at;sale;payment;vat_rate_code;gross\r\n"
            for row in rows {
                let local = CivilDateTime(instant: Instant(millis: row.at), offsetSeconds: 3600).rfc3339(
                    offsetSeconds: 3600)
                let naive = local.prefix(19).replacingOccurrences(of: "T", with: " ")
                text +=
                    "\(pem);\(naive);\(row.sale);\(row.payment);\(row.vat.replacingOccurrences(of: ".", with: ","));"
                    + "\(row.gross.replacingOccurrences(of: ".", with: ","))\r\n"
            }
            try Data(text.utf8).write(to: directory.appendingPathComponent("emergency/\(pem).csv"))
        }
    }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same night.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }
}

/// Collects lines and writes them in large chunks.
struct BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    private mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        try handle.close()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
