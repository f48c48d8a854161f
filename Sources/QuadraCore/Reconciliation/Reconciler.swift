/// Stage 2 of a night: `NightInputs` → `Reconciliation` (formats.md §2–3). No clock, no network; the only I/O is
/// reading back the partitions a `NightReader` spilled.
///
/// Sales are judged one partition at a time (the whole ledger is one partition when the sales are held in memory;
/// a spilled night has many, judged on several threads) against an index built once: windows (client windows
/// from every receipt event read), registers, A-Cube receipts. Judging also finds conflicting records and gathers
/// the facts the night-wide rules need; then those rules run: registers, the A-Cube side, client windows,
/// missing A-Cube data, refused submissions.
public struct Reconciler: Sendable {
    let inputs: NightInputs
    let context: ReconcileContext
    var index: ReconcileIndex
    /// What the night-wide rules need about every sale; gathered while the sales are judged.
    var facts = SaleFacts()
    var findings: [Finding] = []

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
        let marks = inputs.provisionalClientMarks ?? ClientMarks()
        index = ReconcileIndex(inputs: inputs, context: context, clientWindows: marks.windows())
    }

    var zone: FiscalTimeZone { context.timeZone }
    var asOf: Instant { context.asOf }

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
        var parts: [SaleJudge] = []
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

    /// The per-day figures, with a (PEM, day) of findings but no sales added, and each day's coverage. The summary
    /// page counts the findings themselves.
    private func finishedStats(_ stats: [PemDay: DayStats], _ findings: [Finding]) -> [DayStats] {
        var all = stats
        for finding in findings {
            guard let pem = finding.pem, let day = finding.fiscalDay else { continue }
            let key = PemDay(pem: pem, day: day)
            if all[key] == nil { all[key] = DayStats(key: key) }
        }
        for key in all.keys { all[key]?.covered = index.isCovered(key) }
        return all.keys.sorted().compactMap { all[$0] }
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
