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
