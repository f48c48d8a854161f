/// Stage 2 of a night: `NightInputs` → `Reconciliation`. Pure: no I/O, no clock (formats.md §2–3).
public struct Reconciler {
    private let inputs: NightInputs
    private let context: ReconcileContext
    private var findings: [Finding] = []

    // Indexes built once.
    private var registerSales: Set<PemSale> = []
    private var namedReceiptUuids: Set<String> = []
    private var platformWindows: [String: [OfflineWindow]] = [:]
    private var incidents: [CommunicationIncident] = []
    private var clientWindows: [String: [OfflineWindow]] = [:]
    private var voidedUuids: Set<String> = []
    private var offlineSalesWithoutReceipt: [SaleRecord] = []
    private var stats: [PemDay: DayStats] = [:]
    private var openAttempts: [OpenAttempt] = []

    private struct PemSale: Hashable {
        var pem: String
        var sale: String
    }

    /// Reconciles a night.
    public static func reconcile(_ inputs: NightInputs, context: ReconcileContext) -> Reconciliation {
        var reconciler = Reconciler(inputs: inputs, context: context)
        return reconciler.run()
    }

    private init(inputs: NightInputs, context: ReconcileContext) {
        self.inputs = inputs
        self.context = context
    }

    private var zone: FiscalTimeZone { context.timeZone }
    private var asOf: Instant { context.asOf }

    private mutating func run() -> Reconciliation {
        buildIndexes()
        let sales = inputs.ledger.sales.values.sorted {
            SaleKey(terminal: $0.terminal, sale: $0.saleId)
                < SaleKey(terminal: $1.terminal, sale: $1.saleId)
        }
        for sale in sales { evaluate(sale) }
        evaluateRegisters()
        for pem in inputs.acube.keys.sorted() { evaluateAcubeSide(pem) }
        evaluateClientWindows()
        evaluateMissingAcubeData(sales)
        evaluateRejectedSubmissions()
        for diagnostic in inputs.diagnostics { findings.append(Self.inputRejected(diagnostic)) }
        let uploads = UploadBuilder.build(
            items: uploadItems(), timeZone: zone, isCovered: { isCovered($0) })
        let unique = findings.deduplicatedInReportOrder()
        return Reconciliation(
            findings: unique,
            platformWindows: platformWindows.keys.sorted().flatMap { platformWindows[$0] ?? [] },
            clientWindows: clientWindows.keys.sorted().flatMap { clientWindows[$0] ?? [] },
            uploads: uploads,
            openAttempts: openAttempts,
            dayStats: finishedStats(unique))
    }

    /// Adds findings per severity and coverage to the per-day figures.
    private func finishedStats(_ findings: [Finding]) -> [DayStats] {
        var all = stats
        for finding in findings {
            guard let pem = finding.pem, let day = finding.fiscalDay else { continue }
            let key = PemDay(pem: pem, day: day)
            all[key, default: DayStats(key: key)].findings[finding.severity, default: 0] += 1
        }
        for key in all.keys { all[key]?.covered = isCovered(key) }
        return all.keys.sorted().compactMap { all[$0] }
    }

    // MARK: - Indexes

    private mutating func buildIndexes() {
        for entry in inputs.registers {
            if let sale = entry.sale { registerSales.insert(PemSale(pem: entry.pem, sale: sale)) }
        }
        for sale in inputs.ledger.sales.values {
            for receipt in sale.receipts { namedReceiptUuids.insert(receipt.event.receiptUuid) }
        }
        for (pem, data) in inputs.acube {
            let derived = OfflineWindows.platform(pem: pem, notifications: data.notifications.values)
            if !derived.windows.isEmpty { platformWindows[pem] = derived.windows }
            incidents.append(contentsOf: derived.incidents)
            for receipt in data.receipts.values where receipt.kind == .void {
                if let parent = receipt.parentUuid { voidedUuids.insert(parent) }
            }
        }
        clientWindows = OfflineWindows.client(sales: inputs.ledger.sales.values)
    }

    private func windows(of pem: String) -> [OfflineWindow] {
        (platformWindows[pem] ?? []) + (clientWindows[pem] ?? [])
    }

    private func isInWindow(pem: String, _ instant: Instant) -> OfflineWindow? {
        windows(of: pem).first { $0.contains(instant, asOf: asOf) }
    }

    /// An emergency report covers (PEM, day) when the store records its submission or A-Cube lists one that day.
    private func isCovered(_ pemDay: PemDay) -> Bool {
        if context.state.submittedReports.contains(pemDay) { return true }
        guard let reports = inputs.acube[pemDay.pem]?.emergencyReports else { return false }
        return reports.contains { zone.fiscalDay(of: $0.datetime) == pemDay.day }
    }

    // MARK: - Sales and attempts

    private enum AttemptState {
        case approved(amount: Money?)
        case declined
        case unknown
    }

    private mutating func evaluate(_ sale: SaleRecord) {
        let saleEvent = sale.sale
        let pem = saleEvent?.pem
        let day = (saleEvent?.at ?? sale.attempts.first?.at ?? sale.receipts.first?.event.at).map {
            zone.fiscalDay(of: $0)
        }
        var approvedAttempts: [(attempt: SaleRecord.Attempt, amount: Money?)] = []
        var allDeclined = !sale.attempts.isEmpty
        for attempt in sale.attempts {
            let state = evaluate(attempt, of: sale, pem: pem, day: day)
            switch state {
            case .approved(let amount):
                approvedAttempts.append((attempt, amount))
                allDeclined = false
                if let saleEvent, let amount, amount != saleEvent.total {
                    add(
                        .paymentAmountMismatch, sale: sale, pem: pem, day: day, posRefId: attempt.posRefId,
                        amount: amount,
                        detail:
                            "attempt \(attempt.posRefId) was approved for \(amount) but the sale total is \(saleEvent.total)"
                    )
                }
            case .declined:
                break
            case .unknown:
                allDeclined = false
            }
        }
        if approvedAttempts.count >= 2 {
            let extra = approvedAttempts.dropFirst().reduce(Money.zero) { $0 + ($1.amount ?? .zero) }
            let list = approvedAttempts.map { "\($0.attempt.posRefId) (\($0.amount?.description ?? "amount unknown"))" }
            add(
                .doubleCharge, sale: sale, pem: pem, day: day, amount: extra,
                detail: "\(approvedAttempts.count) attempts of sale \(sale.saleId) were approved: "
                    + list.joined(separator: ", ") + "; refund \(extra)")
        }
        guard let saleEvent, let day else { return }
        let paid = saleEvent.payment != .electronic || !approvedAttempts.isEmpty
        let unpaid = saleEvent.payment == .electronic && allDeclined
        let key = PemDay(pem: saleEvent.pem, day: day)
        var figures = stats[key] ?? DayStats(key: key)
        figures.sales += 1
        figures.salesAmount += saleEvent.total
        if paid {
            figures.paid += 1
            figures.paidAmount += saleEvent.total
        }
        if !sale.receipts.isEmpty {
            figures.receipted += 1
            figures.receiptedAmount += saleEvent.total
        }
        if offlineWindow(of: sale, saleEvent: saleEvent) != nil {
            figures.offline += 1
            figures.offlineAmount += saleEvent.total
        }
        stats[key] = figures
        evaluateReceipts(sale, saleEvent: saleEvent, day: day, paid: paid, unpaid: unpaid)
    }

    private mutating func evaluate(_ attempt: SaleRecord.Attempt, of sale: SaleRecord, pem: String?, day: FiscalDay?)
        -> AttemptState
    {
        let requested = attempt.request?.amount
        if let response = attempt.response {
            let amount = response.amount ?? requested
            if response.userOverride {
                add(
                    .paymentManualOverride, sale: sale, pem: pem, day: day, posRefId: attempt.posRefId,
                    amount: amount,
                    detail: "the logged response to \(attempt.posRefId) was entered by hand on the terminal"
                        + " (\(response.success ? "approved" : "declined")\(Self.hostText(response.hostResponseText)))")
            }
            return response.success ? .approved(amount: amount) : .declined
        }
        let ref = attempt.posRefId
        let sent = attempt.request.map { " sent at \(zone.format($0.at))" } ?? ""
        switch context.recoveries[ref] {
        case .approved(let recovered)?:
            let amount = recovered.amount ?? requested
            add(
                .paymentRecoveredApproved, sale: sale, pem: pem, day: day, posRefId: ref, amount: amount,
                detail: "Spice reports attempt \(ref)\(sent) as approved\(Self.hostText(recovered.hostResponseText))")
            if recovered.userOverride {
                add(
                    .paymentManualOverride, sale: sale, pem: pem, day: day, posRefId: ref, amount: amount,
                    detail: "Spice reports attempt \(ref) as approved by hand on the terminal (user_override)")
            }
            return .approved(amount: amount)
        case .declined(let recovered)?:
            add(
                .paymentRecoveredDeclined, sale: sale, pem: pem, day: day, posRefId: ref, amount: requested,
                detail: "Spice reports attempt \(ref)\(sent) as declined\(Self.hostText(recovered.hostResponseText))")
            if recovered.userOverride {
                add(
                    .paymentManualOverride, sale: sale, pem: pem, day: day, posRefId: ref, amount: requested,
                    detail: "Spice reports attempt \(ref) as declined by hand on the terminal (user_override)")
            }
            return .declined
        case .stillRunning(let detail)?:
            add(
                .paymentStillInProgress, sale: sale, pem: pem, day: day, posRefId: ref, amount: requested,
                detail: detail)
        case .notFound(let detail)?:
            add(.paymentNotFound, sale: sale, pem: pem, day: day, posRefId: ref, amount: requested, detail: detail)
        case .unreachable(let detail)?:
            add(.paymentUnreachable, sale: sale, pem: pem, day: day, posRefId: ref, amount: requested, detail: detail)
        case nil:
            let kind = attempt.request?.kind ?? .purchase
            let origin = attempt.requestSource.map { " (\($0))" } ?? ""
            add(
                .paymentInProgress, sale: sale, pem: pem, day: day, posRefId: ref, amount: requested,
                detail:
                    "attempt \(ref) (\(kind.rawValue))\(sent)\(origin) has no response in the POS log and was not recovered from Spice"
            )
            if let request = attempt.request {
                openAttempts.append(
                    OpenAttempt(terminal: sale.terminal, sale: sale.saleId, posRefId: ref, kind: request.kind))
            }
        }
        return .unknown
    }

    private static func hostText(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        return ": \"\(text)\""
    }

    // MARK: - Receipts of a sale

    private mutating func evaluateReceipts(
        _ sale: SaleRecord, saleEvent: SaleEvent, day: FiscalDay, paid: Bool, unpaid: Bool
    ) {
        let pem = saleEvent.pem
        let hasReceipt = !sale.receipts.isEmpty
        let inRegister = registerSales.contains(PemSale(pem: pem, sale: sale.saleId))
        let offlineWindow = offlineWindow(of: sale, saleEvent: saleEvent)
        if paid, !hasReceipt {
            if let window = offlineWindow {
                if !inRegister {
                    add(
                        .offlineSaleNotRecorded, sale: sale, pem: pem, day: day, amount: saleEvent.total,
                        detail: "paid sale rung up at \(zone.format(saleEvent.at)) during the \(window.kind.rawValue)"
                            + " offline window from \(zone.format(window.start)) has no receipt and is in no emergency register"
                    )
                    offlineSalesWithoutReceipt.append(sale)
                }
            } else if !inRegister {
                add(
                    .receiptMissing, sale: sale, pem: pem, day: day, amount: saleEvent.total,
                    detail:
                        "paid sale (\(saleEvent.payment.rawValue)) rung up at \(zone.format(saleEvent.at)) has no receipt"
                        + " and is in no emergency register")
            }
        }
        if unpaid, hasReceipt {
            let live = sale.receipts.filter { !voidedUuids.contains($0.event.receiptUuid) }
            if !live.isEmpty {
                add(
                    .receiptForUnpaidSale, sale: sale, pem: pem, day: day,
                    receiptUuid: live[0].event.receiptUuid, amount: saleEvent.total,
                    detail: "every payment attempt was declined but receipt "
                        + live.map(\.event.receiptUuid).joined(separator: ", ") + " was issued")
            }
        }
        for receipt in sale.receipts {
            let uuid = receipt.event.receiptUuid
            guard let data = inputs.acube[receipt.event.pem] else { continue }
            guard let acubeReceipt = data.receipts[uuid] else {
                add(
                    .receiptNotInJournal, sale: sale, pem: pem, day: day, receiptUuid: uuid,
                    amount: receipt.event.total,
                    detail: "receipt \(uuid) (document \(receipt.event.documentNumber), \(receipt.source)) is not among"
                        + " A-Cube's receipts for \(receipt.event.pem)")
                continue
            }
            if let total = acubeReceipt.totalAmount, acubeReceipt.kind == .sale, total != saleEvent.total {
                add(
                    .receiptAmountMismatch, sale: sale, pem: pem, day: day, receiptUuid: uuid, amount: total,
                    detail: "A-Cube receipt \(uuid) totals \(total) but the sale total is \(saleEvent.total)")
            }
        }
    }

    /// The window that makes the sale offline: its `sale` event, or one of its failures (unreachable, timeout,
    /// offline) inside a window of its PEM.
    private func offlineWindow(of sale: SaleRecord, saleEvent: SaleEvent) -> OfflineWindow? {
        if let window = isInWindow(pem: saleEvent.pem, saleEvent.at) { return window }
        for failure in sale.failures where failure.reason.marksOfflineSale {
            if let window = isInWindow(pem: saleEvent.pem, failure.at) { return window }
        }
        return nil
    }

    // MARK: - Registers

    private mutating func evaluateRegisters() {
        let terminals = saleTerminals()
        // The gross of every (PEM, sale, day) the registers name, summed once rather than per row.
        var grossBySale: [String: Money] = [:]
        for entry in inputs.registers {
            guard let saleId = entry.sale else { continue }
            grossBySale["\(entry.pem)\u{0}\(saleId)\u{0}\(entry.fiscalDay)", default: .zero] += entry.gross
        }
        for entry in inputs.registers {
            let pemDay = PemDay(pem: entry.pem, day: entry.fiscalDay)
            guard !isCovered(pemDay) else { continue }
            if let saleId = entry.sale {
                let gross = grossBySale["\(entry.pem)\u{0}\(saleId)\u{0}\(entry.fiscalDay)"] ?? entry.gross
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
    }

    private func saleTerminals() -> [PemSale: String] {
        var terminals: [PemSale: String] = [:]
        for sale in inputs.ledger.sales.values {
            guard let pem = sale.sale?.pem else { continue }
            let key = PemSale(pem: pem, sale: sale.saleId)
            if let existing = terminals[key], existing <= sale.terminal { continue }
            terminals[key] = sale.terminal
        }
        return terminals
    }

    // MARK: - A-Cube side

    private mutating func evaluateAcubeSide(_ pem: String) {
        guard let data = inputs.acube[pem] else { return }
        for window in platformWindows[pem] ?? [] {
            let endText = window.end.map { zone.format($0) } ?? "still open at \(zone.format(asOf))"
            findings.append(
                Finding(
                    code: .platformOffline, pem: pem, fiscalDay: zone.fiscalDay(of: window.start),
                    detail: "PEM offline from \(zone.format(window.start)) to \(endText)",
                    subjectRest: [window.start.utcString]))
        }
        for incident in incidents where incident.pem == pem {
            findings.append(
                Finding(
                    code: .communicationIncident, pem: pem, fiscalDay: zone.fiscalDay(of: incident.start),
                    detail: "MF1–MF2 communication failed at \(zone.format(incident.start)) and was restored at"
                        + " \(zone.format(incident.restoredAt)) without the PEM going offline",
                    subjectRest: [incident.start.utcString]))
        }
        for receipt in data.receipts.values.sorted(by: { $0.uuid < $1.uuid }) {
            let day = zone.fiscalDay(of: receipt.documentAt)
            if receipt.kind == .sale, !namedReceiptUuids.contains(receipt.uuid) {
                findings.append(
                    Finding(
                        code: .orphanReceipt, pem: pem, fiscalDay: day, receiptUuid: receipt.uuid,
                        amount: receipt.totalAmount,
                        detail: "A-Cube sale receipt \(receipt.uuid)"
                            + (receipt.documentNumber.map { " (document \($0))" } ?? "")
                            + " of \(zone.format(receipt.documentAt)) is named by no receipt_issued event",
                        subjectRest: [receipt.uuid]))
            }
            if let window = (platformWindows[pem] ?? []).first(where: { $0.contains(receipt.documentAt, asOf: asOf) }) {
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
        evaluateJournals(pem, data: data)
    }

    private mutating func evaluateJournals(_ pem: String, data: AcubeData) {
        let openDays = Set(data.journals.filter(\.isOpen).map(\.date))
        guard !openDays.isEmpty else { return }
        var firstDocument: [FiscalDay: Instant] = [:]
        for receipt in data.receipts.values {
            let day = zone.fiscalDay(of: receipt.documentAt)
            firstDocument[day] = min(firstDocument[day] ?? receipt.documentAt, receipt.documentAt)
        }
        var posFirstDocument: [FiscalDay: Instant] = [:]
        for sale in inputs.ledger.sales.values {
            for receipt in sale.receipts where receipt.event.pem == pem {
                let day = zone.fiscalDay(of: receipt.event.at)
                posFirstDocument[day] = min(posFirstDocument[day] ?? receipt.event.at, receipt.event.at)
            }
        }
        for day in openDays.sorted() where !context.state.closedJournals.contains(PemDay(pem: pem, day: day)) {
            let first = firstDocument[day] ?? posFirstDocument[day]
            let dayStart = zone.startOfDay(day)
            let dayEnd = zone.startOfDay(FiscalDay(daysSinceEpoch: day.daysSinceEpoch + 1))
            let window = (clientWindows[pem] ?? []).first { $0.overlaps(from: dayStart, to: dayEnd, asOf: asOf) }
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
        for pem in clientWindows.keys.sorted() {
            for window in clientWindows[pem] ?? []
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

    private mutating func evaluateMissingAcubeData(_ sales: [SaleRecord]) {
        var pems: [String: Int] = [:]
        for sale in sales {
            if let pem = sale.sale?.pem, inputs.acube[pem] == nil { pems[pem, default: 0] += 1 }
        }
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

    // MARK: - Helpers

    private mutating func add(
        _ code: FindingCode, sale: SaleRecord, pem: String?, day: FiscalDay?, posRefId: String? = nil,
        receiptUuid: String? = nil, amount: Money? = nil, detail: String
    ) {
        findings.append(
            Finding(
                code: code, pem: pem, fiscalDay: day, terminal: sale.terminal, sale: sale.saleId, posRefId: posRefId,
                receiptUuid: receiptUuid, amount: amount, detail: detail,
                subjectRest: posRefId.map { [$0] } ?? []))
    }

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

    // MARK: - Uploads

    private func uploadItems() -> [UploadItem] {
        var items = inputs.registers.map { UploadItem(entry: $0) }
        for sale in offlineSalesWithoutReceipt {
            guard let event = sale.sale else { continue }
            items.append(
                UploadItem(
                    pem: event.pem, day: zone.fiscalDay(of: event.at), sale: sale.saleId, recordedAt: event.at,
                    payment: event.payment, lines: event.lines))
        }
        return items
    }
}
