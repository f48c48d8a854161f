/// Judges the sales of one partition against the night's index: attempts, payment state, receipts, offline sales,
/// and the day figures. One judge per partition, so partitions can be judged on several threads; their results
/// are merged in partition order.
struct SaleJudge: Sendable {
    let index: ReconcileIndex
    private(set) var findings: [Finding] = []
    private(set) var stats: [PemDay: DayStats] = [:]
    private(set) var openAttempts: [OpenAttempt] = []
    /// Paid offline sales with no receipt that no register holds: they go into the prepared uploads.
    private(set) var offlineSalesWithoutReceipt: [UploadItem] = []
    /// Sales per PEM that has no A-Cube folder.
    private(set) var salesWithoutAcube: [String: Int] = [:]
    /// What the night-wide rules need of these sales.
    private(set) var facts = SaleFacts()
    private var days = FiscalDayMemo()

    init(index: ReconcileIndex) { self.index = index }

    private var zone: FiscalTimeZone { index.context.timeZone }
    private var context: ReconcileContext { index.context }

    /// How many sales `judge(batch:)` is best given at a time.
    static let batchSize = 256

    /// The A-Cube receipt a `receipt_issued` names: where it is in its PEM's table, and what the judge reads of it.
    struct NamedReceipt {
        /// How many receipts the PEM's table holds; nil when the PEM has no A-Cube folder.
        var tableCount: Int?
        var position: Int?
        /// A sale receipt with a total: the total is compared with the sale's.
        var saleTotal = false
        var total: Money?
    }

    /// Judges sales a batch at a time: the A-Cube receipts that their `receipt_issued` events name are looked up
    /// together first (so the lookups' memory reads overlap instead of each waiting for the last), then each sale
    /// is judged.
    mutating func judge(batch sales: ArraySlice<SaleRecord>) {
        // The ordinal of each sale's PEM (looked up once per sale) and of each receipt's.
        var ordinals: [Int?] = []
        ordinals.reserveCapacity(sales.count)
        var tables: [AcubeReceiptTable?] = []
        var uuids: [String] = []
        for position in sales.indices {
            let salePem = sales[position].sale?.pem
            let ordinal = salePem.map { index.pemOrdinal($0) }
            ordinals.append(ordinal)
            for receipt in sales[position].receipts.indices {
                let event = sales[position].receipts[receipt].event
                let receiptOrdinal = event.pem == salePem ? ordinal.unsafelyUnwrapped : index.pemOrdinal(event.pem)
                tables.append(index.pemViews[receiptOrdinal].receipts)
                uuids.append(event.receiptUuid)
            }
        }
        let found = AcubeReceiptTable.positions(of: uuids, in: tables)
        let named = found.indices.map {
            NamedReceipt(
                tableCount: tables[$0]?.count, position: found[$0].position, saleTotal: found[$0].isSale,
                total: found[$0].total)
        }
        var next = 0
        for position in sales.indices {
            let count = sales[position].receipts.count
            judge(sales[position], pem: ordinals[position - sales.startIndex], named: named[next..<next + count])
            next += count
        }
    }

    /// Judges one sale; `named` holds its receipts' A-Cube receipts, in the order of `sale.receipts`.
    private mutating func judge(
        _ sale: borrowing SaleRecord, pem ordinal: Int?, named: ArraySlice<NamedReceipt>
    ) {
        // Whether a register names the sale: looked up once.
        let inRegister =
            !index.registerSales.isEmpty
            && sale.sale.map { index.registerSales.contains(pem: $0.pem, sale: sale.saleId) } == true
        let pem = ordinal ?? index.pemViews.count - 1
        if !evaluate(sale, pem: index.pemViews[pem], inRegister: inRegister, named: named) {
            // Receipts of a sale with no `sale` event are not judged, but they still name A-Cube receipts.
            for (receipt, found) in zip(sale.receipts, named) {
                facts.noteNamed(
                    pem: receipt.event.pem, uuid: receipt.event.receiptUuid, position: found.position,
                    tableCount: found.tableCount ?? 0)
            }
        }
        facts.add(sale, inRegister: inRegister, zone: zone) { receiptPem in
            // Only PEMs with an open journal need the first POS receipt of a day.
            index.pemViews[receiptPem == sale.sale?.pem ? pem : index.pemOrdinal(receiptPem)].hasOpenJournal
        }
        if let saleEvent = sale.sale, index.pemViews[pem].receipts == nil {
            salesWithoutAcube[saleEvent.pem, default: 0] += 1
        }
    }

    // MARK: - Sales and attempts

    private enum AttemptState {
        case approved(amount: Money?)
        case declined
        case unknown
    }

    /// Judges one sale; false when it has no `sale` event (its receipts were then not looked at). `pemView` is what
    /// the index holds for the PEM of its `sale` event.
    private mutating func evaluate(
        _ sale: borrowing SaleRecord, pem pemView: borrowing ReconcileIndex.PemView, inRegister: Bool,
        named: borrowing ArraySlice<NamedReceipt>
    ) -> Bool {
        let saleEvent = sale.sale
        let pem = saleEvent?.pem
        let day = (saleEvent?.at ?? sale.attempts.first?.at ?? sale.receipts.first?.event.at).map {
            days.day(of: $0, in: zone)
        }
        // The approved attempts, by position and amount; a list only once there are two (almost never).
        var firstApproved: (index: Int, amount: Money?)?
        var moreApproved: [(index: Int, amount: Money?)] = []
        var allDeclined = !sale.attempts.isEmpty
        for index in sale.attempts.indices {
            let attempt = sale.attempts[index]
            let state = evaluate(attempt, of: sale, pem: pem, day: day)
            switch state {
            case .approved(let amount):
                if firstApproved == nil {
                    firstApproved = (index, amount)
                } else {
                    moreApproved.append((index, amount))
                }
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
        if let firstApproved, !moreApproved.isEmpty {
            let approved = [firstApproved] + moreApproved
            var extra: Money? = .zero
            for item in moreApproved { extra = extra?.adding(item.amount ?? .zero) }
            if extra == nil, let source = sale.saleSource ?? sale.attempts.first?.responseSource {
                findings.append(
                    Reconciler.inputRejected(
                        Diagnostic(
                            location: source,
                            message: "the approved amounts of sale \(sale.saleId) add up to more than can be counted")))
            }
            let list = approved.map {
                "\(sale.attempts[$0.index].posRefId) (\($0.amount?.description ?? "amount unknown"))"
            }
            add(
                .doubleCharge, sale: sale, pem: pem, day: day, amount: extra,
                detail: "\(approved.count) attempts of sale \(sale.saleId) were approved: "
                    + list.joined(separator: ", ") + "; refund \(extra?.description ?? "the extra amounts")")
        }
        guard let saleEvent, let day else { return false }
        let paid = saleEvent.payment != .electronic || firstApproved != nil
        let unpaid = saleEvent.payment == .electronic && allDeclined
        let key = PemDay(pem: saleEvent.pem, day: day)
        let window = offlineWindow(of: sale, saleEvent: saleEvent, pem: pemView)
        stats[key, default: DayStats(key: key)].add(
            sale: saleEvent.total, paid: paid, receipted: !sale.receipts.isEmpty, offline: window != nil)
        evaluateReceipts(
            sale, saleEvent: saleEvent, day: day, paid: paid, unpaid: unpaid, offlineWindow: window,
            inRegister: inRegister, named: named)
        return true
    }

    private mutating func evaluate(
        _ attempt: borrowing SaleRecord.Attempt, of sale: borrowing SaleRecord, pem: String?, day: FiscalDay?
    )
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
        _ sale: borrowing SaleRecord, saleEvent: borrowing SaleEvent, day: FiscalDay, paid: Bool, unpaid: Bool,
        offlineWindow: OfflineWindow?, inRegister: Bool, named: ArraySlice<NamedReceipt>
    ) {
        let pem = saleEvent.pem
        let hasReceipt = !sale.receipts.isEmpty
        if paid, !hasReceipt {
            if let window = offlineWindow {
                if !inRegister {
                    add(
                        .offlineSaleNotRecorded, sale: sale, pem: pem, day: day, amount: saleEvent.total,
                        detail: "paid sale rung up at \(zone.format(saleEvent.at)) during the \(window.kind.rawValue)"
                            + " offline window from \(zone.format(window.start)) has no receipt and is in no emergency register"
                    )
                    offlineSalesWithoutReceipt.append(
                        UploadItem(
                            pem: pem, day: day, sale: sale.saleId, recordedAt: saleEvent.at,
                            payment: saleEvent.payment, lines: saleEvent.lines, source: sale.saleSource))
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
            let live = sale.receipts.filter { !index.voidedUuids.contains($0.event.receiptUuid) }
            if !live.isEmpty {
                add(
                    .receiptForUnpaidSale, sale: sale, pem: pem, day: day,
                    receiptUuid: live[0].event.receiptUuid, amount: saleEvent.total,
                    detail: "every payment attempt was declined but receipt "
                        + live.map(\.event.receiptUuid).joined(separator: ", ") + " was issued")
            }
        }
        for (receipt, found) in zip(sale.receipts, named) {
            let uuid = receipt.event.receiptUuid
            let position = found.position
            facts.noteNamed(
                pem: receipt.event.pem, uuid: uuid, position: position, tableCount: found.tableCount ?? 0)
            // A PEM with no A-Cube folder: its receipts are not checked here (ACUBE_DATA_MISSING says so).
            guard found.tableCount != nil else { continue }
            guard position != nil else {
                add(
                    .receiptNotInJournal, sale: sale, pem: pem, day: day, receiptUuid: uuid,
                    amount: receipt.event.total,
                    detail: "receipt \(uuid) (document \(receipt.event.documentNumber), \(receipt.source)) is not among"
                        + " A-Cube's receipts for \(receipt.event.pem)")
                continue
            }
            if found.saleTotal, let total = found.total, total != saleEvent.total {
                add(
                    .receiptAmountMismatch, sale: sale, pem: pem, day: day, receiptUuid: uuid, amount: total,
                    detail: "A-Cube receipt \(uuid) totals \(total) but the sale total is \(saleEvent.total)")
            }
        }
    }

    /// The window that makes the sale offline: its `sale` event, or one of its failures (unreachable, timeout,
    /// offline) inside a window of its PEM.
    private func offlineWindow(
        of sale: borrowing SaleRecord, saleEvent: borrowing SaleEvent, pem: borrowing ReconcileIndex.PemView
    )
        -> OfflineWindow?
    {
        if let window = index.window(pem, containing: saleEvent.at) { return window }
        for failure in sale.failures where failure.reason.marksOfflineSale {
            if let window = index.window(pem, containing: failure.at) { return window }
        }
        return nil
    }

    private mutating func add(
        _ code: FindingCode, sale: borrowing SaleRecord, pem: String?, day: FiscalDay?, posRefId: String? = nil,
        receiptUuid: String? = nil, amount: Money? = nil, detail: String
    ) {
        findings.append(
            Finding(
                code: code, pem: pem, fiscalDay: day, terminal: sale.terminal, sale: sale.saleId, posRefId: posRefId,
                receiptUuid: receiptUuid, amount: amount, detail: detail,
                subjectRest: posRefId.map { [$0] } ?? []))
    }
}
