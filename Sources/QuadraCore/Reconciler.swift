/// Stage 2 of a night: `NightInputs` → `Reconciliation` (formats.md §2–3). No clock, no network; the only I/O is
/// reading back the partitions a `NightReader` spilled.
///
/// Sales are judged one partition at a time (the whole ledger is one partition when the sales are held in memory;
/// a spilled night has many, judged on several threads) against an index built once: windows (client windows
/// from every receipt event read), registers, A-Cube receipts. Judging also finds conflicting records and gathers
/// the facts the night-wide rules need; then those rules run: registers, the A-Cube side, client windows,
/// missing A-Cube data, refused submissions.
public struct Reconciler: Sendable {
    private let inputs: NightInputs
    private let context: ReconcileContext
    private var index: ReconcileIndex
    /// What the night-wide rules need about every sale; gathered while the sales are judged.
    private var facts = SaleFacts()
    private var findings: [Finding] = []

    /// Reconciles a night on up to `workers` threads. Throws only when spilled sales cannot be read back.
    public static func reconcile(
        _ inputs: NightInputs, context: ReconcileContext, workers: Int = ParallelWork.defaultWorkers
    ) throws -> Reconciliation {
        var reconciler = Reconciler(inputs: inputs, context: context)
        return try reconciler.run(workers: workers)
    }

    private init(inputs: NightInputs, context: ReconcileContext) {
        self.inputs = inputs
        self.context = context
        var marks = ClientMarks()
        if inputs.spilled != nil {
            marks = inputs.provisionalClientMarks ?? ClientMarks()
        } else {
            for sale in inputs.ledger.sales.values { marks.add(sale) }
        }
        index = ReconcileIndex(inputs: inputs, context: context, clientWindows: marks.windows())
    }

    private var zone: FiscalTimeZone { context.timeZone }
    private var asOf: Instant { context.asOf }

    /// One partition judged: the judge's results, the records that conflict with one read before them (by file
    /// index), and whether one of those is a `receipt_issued` (which may have moved a client window).
    private struct JudgedPartition: Sendable {
        var judge: SaleJudge
        var conflicts: [(file: Int, diagnostic: Diagnostic)]
        var receiptConflict: Bool
    }

    private static func judge(_ spilled: SpilledSales, index: ReconcileIndex, workers: Int) throws
        -> [JudgedPartition]
    {
        try ParallelWork.map(count: spilled.partitionCount, workers: workers) { partition in
            var conflicts: [(file: Int, diagnostic: Diagnostic)] = []
            var receiptConflict = false
            var judge = SaleJudge(index: index)
            try spilled.forEachSale(partition: partition, batchSize: SaleJudge.batchSize) { conflict in
                conflicts.append((conflict.file, Diagnostic(location: conflict.location, message: conflict.message)))
                if case .receiptIssued = conflict.event { receiptConflict = true }
            } _: { batch in
                judge.judge(batch: batch)
            }
            return JudgedPartition(judge: judge, conflicts: conflicts, receiptConflict: receiptConflict)
        }
    }

    /// The client-window marks of the records that stand (repeats once, conflicting records left out).
    private static func exactMarks(_ spilled: SpilledSales, workers: Int) throws -> ClientMarks {
        let parts = try ParallelWork.map(count: spilled.partitionCount, workers: workers) { partition in
            var marks = ClientMarks()
            try spilled.forEachSale(partition: partition) { _ in
            } _: { batch in
                for sale in batch { marks.add(sale) }
            }
            return marks
        }
        var marks = ClientMarks()
        for part in parts { marks.merge(part) }
        return marks
    }

    private mutating func run(workers: Int) throws -> Reconciliation {
        var parts: [SaleJudge]
        var inputFiles = inputs.files
        var diagnostics = inputs.diagnostics
        if let spilled = inputs.spilled {
            var judged = try Self.judge(spilled, index: index, workers: workers)
            // The windows were drawn from every record read; a conflicting receipt_issued (rejected) may have
            // moved one. Then judge again with the windows of the records that stand.
            if judged.contains(where: \.receiptConflict) {
                let windows = try Self.exactMarks(spilled, workers: workers).windows()
                if windows != index.clientWindows {
                    index = ReconcileIndex(inputs: inputs, context: context, clientWindows: windows)
                    judged = try Self.judge(spilled, index: index, workers: workers)
                }
            }
            parts = judged.map(\.judge)
            let positions = Dictionary(
                inputFiles.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
            for part in judged {
                for (file, diagnostic) in part.conflicts {
                    diagnostics.append(diagnostic)
                    if let position = positions[spilled.files[file]] { inputFiles[position].recordsRejected += 1 }
                }
            }
        } else {
            var judge = SaleJudge(index: index)
            judge.judge(inputs.ledger)
            parts = [judge]
        }
        let index = self.index
        var stats: [PemDay: DayStats] = [:]
        var openAttempts: [OpenAttempt] = []
        var offlineSales: [UploadItem] = []
        var salesWithoutAcube: [String: Int] = [:]
        for part in parts {
            facts.merge(part.facts)
            findings.append(contentsOf: part.findings)
            stats.merge(part.stats) { $0.adding($1) }
            openAttempts.append(contentsOf: part.openAttempts)
            offlineSales.append(contentsOf: part.offlineSalesWithoutReceipt)
            salesWithoutAcube.merge(part.salesWithoutAcube, uniquingKeysWith: +)
        }
        openAttempts.sort { ($0.terminal, $0.sale, $0.posRefId) < ($1.terminal, $1.sale, $1.posRefId) }
        // The registers, then each PEM's A-Cube side, on several threads; their findings in that order.
        let pems = inputs.acube.keys.sorted()
        let reconciler = self
        let nightWide = try ParallelWork.map(count: pems.count + 1, workers: workers) {
            $0 == 0 ? reconciler.registerFindings() : reconciler.acubeSide(pems[$0 - 1])
        }
        for part in nightWide { findings.append(contentsOf: part) }
        evaluateClientWindows()
        evaluateMissingAcubeData(salesWithoutAcube)
        evaluateRejectedSubmissions()
        evaluateUncertainSubmissions()
        let items = UploadBuilder.checked(inputs.registers.map { UploadItem(entry: $0) } + offlineSales)
        for diagnostic in diagnostics + items.rejected { findings.append(Self.inputRejected(diagnostic)) }
        let uploads = UploadBuilder.build(items: items.kept, timeZone: zone, isCovered: { index.isCovered($0) })
        let unique = findings.deduplicatedInReportOrder()
        return Reconciliation(
            findings: unique,
            platformWindows: index.platformWindows.keys.sorted().flatMap { index.platformWindows[$0] ?? [] },
            clientWindows: index.clientWindows.keys.sorted().flatMap { index.clientWindows[$0] ?? [] },
            uploads: uploads,
            openAttempts: openAttempts,
            dayStats: finishedStats(stats, unique),
            inputFiles: inputFiles,
            describedReportIds: inputs.acube.compactMapValues { data in
                let ids = Set(data.emergencyReports.filter { $0.datetime != nil && !$0.id.isEmpty }.map(\.id))
                return ids.isEmpty ? nil : ids
            })
    }

    /// Adds findings per severity and coverage to the per-day figures.
    private func finishedStats(_ stats: [PemDay: DayStats], _ findings: [Finding]) -> [DayStats] {
        var all = stats
        for finding in findings {
            guard let pem = finding.pem, let day = finding.fiscalDay else { continue }
            let key = PemDay(pem: pem, day: day)
            all[key, default: DayStats(key: key)].findings[finding.severity, default: 0] += 1
        }
        for key in all.keys { all[key]?.covered = index.isCovered(key) }
        return all.keys.sorted().compactMap { all[$0] }
    }

    // MARK: - Registers

    /// `OFFLINE_RECORD_UNSUBMITTED` for every register row that no emergency report covers.
    private func registerFindings() -> [Finding] {
        var findings: [Finding] = []
        let terminals = facts.registerTerminals
        // The gross of every (PEM, sale, day) the registers name, summed once rather than per row.
        struct SaleDay: Hashable {
            var pem: String
            var sale: String
            var day: FiscalDay
        }
        var grossBySale: [SaleDay: Money] = [:]
        for entry in inputs.registers {
            guard let saleId = entry.sale else { continue }
            let key = SaleDay(pem: entry.pem, sale: saleId, day: entry.fiscalDay)
            // A sum that would overflow leaves the row out of it: the row is rejected when the uploads are built.
            if let sum = (grossBySale[key] ?? .zero).adding(entry.gross) { grossBySale[key] = sum }
        }
        for entry in inputs.registers {
            let pemDay = PemDay(pem: entry.pem, day: entry.fiscalDay)
            guard !index.isCovered(pemDay) else { continue }
            if let saleId = entry.sale {
                let gross = grossBySale[SaleDay(pem: entry.pem, sale: saleId, day: entry.fiscalDay)] ?? entry.gross
                findings.append(
                    Finding(
                        code: .offlineRecordUnsubmitted, pem: entry.pem, fiscalDay: entry.fiscalDay,
                        terminal: terminals[PemSale(pem: entry.pem, sale: saleId)], sale: saleId, amount: gross,
                        detail: "sale \(saleId) is in the emergency register (\(entry.source)) but no emergency report"
                            + " covers \(entry.pem) on \(entry.fiscalDay)"))
            } else {
                findings.append(
                    Finding(
                        code: .offlineRecordUnsubmitted, pem: entry.pem, fiscalDay: entry.fiscalDay,
                        amount: entry.gross,
                        detail:
                            "register row \(entry.source) recorded at \(zone.format(entry.recordedAt)) names no sale,"
                            + " and no emergency report covers \(entry.pem) on \(entry.fiscalDay)",
                        subjectRest: Self.locationKey(entry.source)))
            }
        }
        return findings
    }

    // MARK: - A-Cube side

    /// The findings of one PEM's A-Cube data: offline windows, incidents, orphan receipts, receipts dated inside
    /// an offline window, journals.
    private func acubeSide(_ pem: String) -> [Finding] {
        var findings: [Finding] = []
        guard let data = inputs.acube[pem] else { return findings }
        for window in index.platformWindows[pem] ?? [] {
            let endText = window.end.map { zone.format($0) } ?? "still open at \(zone.format(asOf))"
            findings.append(
                Finding(
                    code: .platformOffline, pem: pem, fiscalDay: zone.fiscalDay(of: window.start),
                    detail: "PEM offline from \(zone.format(window.start)) to \(endText)",
                    subjectRest: [window.start.utcString]))
        }
        for incident in index.incidents where incident.pem == pem {
            findings.append(
                Finding(
                    code: .communicationIncident, pem: pem, fiscalDay: zone.fiscalDay(of: incident.start),
                    detail: "MF1–MF2 communication failed at \(zone.format(incident.start)) and was restored at"
                        + " \(zone.format(incident.restoredAt)) without the PEM going offline",
                    subjectRest: [incident.start.utcString]))
        }
        let platform = index.platformWindows[pem] ?? []
        let table = data.receipts
        let named = facts.named[pem]
        for position in 0..<table.count {
            let orphan =
                table.isSale(at: position)
                && !facts.isNamed(pem: pem, index: position, acube: inputs.acube, bits: named)
            let at = table.documentAt(position)
            let window = platform.first { $0.contains(at, asOf: asOf) }
            guard orphan || window != nil else { continue }
            let receipt = table.receipt(at: position)
            let day = zone.fiscalDay(of: receipt.documentAt)
            if orphan {
                findings.append(
                    Finding(
                        code: .orphanReceipt, pem: pem, fiscalDay: day, receiptUuid: receipt.uuid,
                        amount: receipt.totalAmount,
                        detail: "A-Cube sale receipt \(receipt.uuid)"
                            + (receipt.documentNumber.map { " (document \($0))" } ?? "")
                            + " of \(zone.format(receipt.documentAt)) is named by no receipt_issued event",
                        subjectRest: [receipt.uuid]))
            }
            if let window {
                findings.append(
                    Finding(
                        code: .receiptDuringOffline, pem: pem, fiscalDay: day, receiptUuid: receipt.uuid,
                        amount: receipt.totalAmount,
                        detail: "A-Cube \(receipt.kind.rawValue) receipt \(receipt.uuid) is dated"
                            + " \(zone.format(receipt.documentAt)), inside the platform offline window from"
                            + " \(zone.format(window.start))",
                        subjectRest: [receipt.uuid]))
            }
        }
        evaluateJournals(pem, data: data, into: &findings)
        return findings
    }

    private func evaluateJournals(_ pem: String, data: AcubeData, into findings: inout [Finding]) {
        let openDays = Set(data.journals.filter(\.isOpen).map(\.date))
        guard !openDays.isEmpty else { return }
        var firstDocument: [FiscalDay: Instant] = [:]
        for position in 0..<data.receipts.count {
            let at = data.receipts.documentAt(position)
            let day = zone.fiscalDay(of: at)
            firstDocument[day] = min(firstDocument[day] ?? at, at)
        }
        for day in openDays.sorted() where !context.state.closedJournals.contains(PemDay(pem: pem, day: day)) {
            let first = firstDocument[day] ?? facts.firstPosDocument[PemDay(pem: pem, day: day)]
            let dayStart = zone.startOfDay(day)
            let dayEnd = zone.startOfDay(FiscalDay(daysSinceEpoch: day.daysSinceEpoch + 1))
            let window = (index.clientWindows[pem] ?? []).first { $0.overlaps(from: dayStart, to: dayEnd, asOf: asOf) }
            var reason: String?
            if let window, first != nil {
                reason =
                    "the day had a client offline window from \(zone.format(window.start)) and receipts issued"
                    + " through the API"
            } else if let first, asOf.millis - first.millis > 24 * 3_600_000 {
                reason = "it is still open more than 24 h after its first document (\(zone.format(first)))"
            }
            if let reason {
                findings.append(
                    Finding(
                        code: .journalNotClosed, pem: pem, fiscalDay: day,
                        detail: "the journal of \(pem) for \(day) is open: \(reason)"))
            }
        }
    }

    private mutating func evaluateClientWindows() {
        for pem in index.clientWindows.keys.sorted() {
            for window in index.clientWindows[pem] ?? []
            where !context.state.notifiedPeriods.contains(PemInstant(pem: pem, instant: window.start)) {
                let endText = window.end.map { zone.format($0) } ?? "still open at \(zone.format(asOf))"
                findings.append(
                    Finding(
                        code: .offlinePeriodNotNotified, pem: pem, fiscalDay: zone.fiscalDay(of: window.start),
                        detail: "the POS could not reach A-Cube from \(zone.format(window.start)) to \(endText);"
                            + " this offline period has not been notified",
                        subjectRest: [window.start.utcString]))
            }
        }
    }

    private mutating func evaluateMissingAcubeData(_ pems: [String: Int]) {
        for (pem, count) in pems {
            findings.append(
                Finding(
                    code: .acubeDataMissing, pem: pem,
                    detail: "\(count) POS sale\(count == 1 ? "" : "s") for \(pem) but no acube/\(pem)/ folder:"
                        + " receipts, journals and notifications were not checked"))
        }
    }

    private mutating func evaluateRejectedSubmissions() {
        for (pemDay, violations) in context.rejectedSubmissions {
            findings.append(
                Finding(
                    code: .submissionRejected, pem: pemDay.pem, fiscalDay: pemDay.day,
                    detail: "A-Cube refused the emergency report: \(violations)"))
        }
    }

    /// `SUBMISSION_UNCERTAIN`: the store's unsettled submissions, and what the submitting run could not settle
    /// (its detail wins for the same subject: it is the fresher).
    private mutating func evaluateUncertainSubmissions() {
        var subjects: [SubmissionSubject: String] = [:]
        for (pemDay, detail) in context.state.unsettledSubmissions {
            subjects[SubmissionSubject(pem: pemDay.pem, day: pemDay.day)] = detail
        }
        subjects.merge(context.uncertainSubmissions) { $1 }
        for (subject, detail) in subjects {
            findings.append(
                Finding(code: .submissionUncertain, pem: subject.pem, fiscalDay: subject.day, detail: detail))
        }
    }

    // MARK: - Helpers

    /// A stable key for a file and line: the path, then the line zero-padded so it sorts as a number.
    static func locationKey(_ location: SourceLocation) -> [String] {
        let line = String(location.line ?? 0)
        return [location.file, String(repeating: "0", count: max(0, 10 - line.count)) + line]
    }

    /// The `INPUT_REJECTED` finding of a diagnostic.
    public static func inputRejected(_ diagnostic: Diagnostic) -> Finding {
        Finding(
            code: .inputRejected, detail: diagnostic.description, subjectRest: locationKey(diagnostic.location))
    }
}

/// What every sale is judged against, built once per reconciliation and shared (read-only) by the judges.
struct ReconcileIndex: Sendable {
    let context: ReconcileContext
    let acube: [String: AcubeData]
    let registerSales: RegisterSales
    let platformWindows: [String: [OfflineWindow]]
    let incidents: [CommunicationIncident]
    let clientWindows: [String: [OfflineWindow]]
    let voidedUuids: Set<String>
    /// What a sale's judge needs of each PEM, in one lookup.
    /// What the index knows of each PEM it knows, by ordinal (`pemOrdinal`), and an empty view at the end for
    /// any other PEM: read in place, so judging copies none of it.
    let pemViews: [PemView]
    private let pemOrdinals: [String: Int]

    /// A PEM's A-Cube receipts (nil: the PEM has no A-Cube folder; a folder gives a table, maybe empty) and its
    /// offline windows.
    struct PemView: Sendable {
        var receipts: AcubeReceiptTable?
        var platformWindows: [OfflineWindow] = []
        var clientWindows: [OfflineWindow] = []
        /// Some journal of the PEM is open: the first POS receipt of each day may be needed to judge it.
        var hasOpenJournal = false
    }

    init(inputs: NightInputs, context: ReconcileContext, clientWindows: [String: [OfflineWindow]]) {
        self.context = context
        acube = inputs.acube
        registerSales = RegisterSales(inputs.registers)
        var platformWindows: [String: [OfflineWindow]] = [:]
        var incidents: [CommunicationIncident] = []
        var voidedUuids: Set<String> = []
        for (pem, data) in inputs.acube {
            let derived = OfflineWindows.platform(pem: pem, notifications: data.notifications.values)
            if !derived.windows.isEmpty { platformWindows[pem] = derived.windows }
            incidents.append(contentsOf: derived.incidents)
            voidedUuids.formUnion(data.receipts.voidedParents)
        }
        incidents.sort { ($0.pem, $0.start) < ($1.pem, $1.start) }
        self.platformWindows = platformWindows
        self.incidents = incidents
        self.voidedUuids = voidedUuids
        self.clientWindows = clientWindows
        var pems: [String: PemView] = inputs.acube.mapValues {
            PemView(receipts: $0.receipts, hasOpenJournal: $0.journals.contains(where: \.isOpen))
        }
        for (pem, windows) in platformWindows { pems[pem, default: PemView()].platformWindows = windows }
        for (pem, windows) in clientWindows { pems[pem, default: PemView()].clientWindows = windows }
        let names = pems.keys.sorted()
        pemViews = names.compactMap { pems[$0] } + [PemView()]
        pemOrdinals = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }

    /// What the index holds for `pem` (nothing at all for a PEM it does not know).
    /// The position of `pem`'s view in `pemViews` (the empty view at the end for a PEM it does not know).
    func pemOrdinal(_ pem: String) -> Int { pemOrdinals[pem] ?? pemViews.count - 1 }

    /// The offline window of a PEM (platform first, then client) that holds `instant`.
    func window(_ pem: PemView, containing instant: Instant) -> OfflineWindow? {
        if let window = pem.platformWindows.first(where: { $0.contains(instant, asOf: context.asOf) }) {
            return window
        }
        return pem.clientWindows.first { $0.contains(instant, asOf: context.asOf) }
    }

    /// An emergency report covers (PEM, day) when the store records its settled submission (or an operator
    /// recorded a report covering it), or when the PEM's export lists one whose `datetime` falls on that day
    /// (`closed_at` alone never decides: formats.md §2).
    func isCovered(_ pemDay: PemDay) -> Bool {
        if context.state.submittedReports.contains(pemDay) { return true }
        guard let reports = acube[pemDay.pem]?.emergencyReports else { return false }
        return reports.contains { report in
            report.datetime.map { context.timeZone.fiscalDay(of: $0) == pemDay.day } ?? false
        }
    }
}

/// The (PEM, sale) pairs that registers name, with a bit per hash of the sale id in front: most sales are in no
/// register, and a clear bit says so without hashing both texts into the set. (Texts equal as Swift compares them
/// can differ in bytes only outside ASCII: a register sale id beyond ASCII turns the bits off, and a sale id
/// beyond ASCII is always looked up in the set.)
struct RegisterSales: Sendable {
    private let pairs: Set<PemSale>
    private var bits: [UInt64] = []

    init(_ registers: [RegisterEntry]) {
        pairs = Set(registers.compactMap { entry in entry.sale.map { PemSale(pem: entry.pem, sale: $0) } })
        guard pairs.allSatisfy({ $0.sale.utf8.allSatisfy { $0 < 0x80 } }) else { return }
        var size = 64
        while size < pairs.count * 16 { size <<= 1 }
        bits = Array(repeating: 0, count: size / 64)
        for pair in pairs {
            let bit = Self.bit(pair.sale, size) ?? 0
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    var isEmpty: Bool { pairs.isEmpty }

    func contains(pem: String, sale: String) -> Bool {
        if !bits.isEmpty, let bit = Self.bit(sale, bits.count * 64) {
            guard bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        }
        return pairs.contains(PemSale(pem: pem, sale: sale))
    }

    /// FNV-1a of the sale id's bytes, within `size` (a power of two); nil for a sale id beyond ASCII.
    private static func bit(_ sale: String, _ size: Int) -> Int? {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sale.utf8 {
            guard byte < 0x80 else { return nil }
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash) & (size - 1)
    }
}
