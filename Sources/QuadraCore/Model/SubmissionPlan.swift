/// Stage 4's input: what the night asks to send to A-Cube (formats.md §4–5, apis.md).
public struct SubmissionPlan: Sendable {
    /// Emergency reports of the (PEM, fiscal day) pairs no report covers.
    public var uploads: [EmergencyReportUpload]
    /// Client offline windows not yet notified. Only closed windows: an open one has no end to send yet.
    public var offlinePeriods: [OfflineWindow]
    /// Journals that `JOURNAL_NOT_CLOSED` says to close.
    public var journalCloses: [PemDay]
    /// By PEM, the report ids the night's exports describe with a `datetime`: A-Cube holding them is expected.
    public var describedReportIds: [String: Set<String>] = [:]

    public init(
        uploads: [EmergencyReportUpload], offlinePeriods: [OfflineWindow], journalCloses: [PemDay],
        describedReportIds: [String: Set<String>] = [:]
    ) {
        self.uploads = uploads
        self.offlinePeriods = offlinePeriods
        self.journalCloses = journalCloses
        self.describedReportIds = describedReportIds
    }

    /// The plan of a reconciled night.
    public init(_ reconciliation: Reconciliation, state: StateSnapshot) {
        describedReportIds = reconciliation.describedReportIds
        uploads = reconciliation.uploads
        offlinePeriods = reconciliation.clientWindows.filter {
            $0.end != nil && !state.notifiedPeriods.contains(PemInstant(pem: $0.pem, instant: $0.start))
        }
        journalCloses = reconciliation.findings.filter { $0.code == .journalNotClosed }.compactMap { finding in
            guard let pem = finding.pem, let day = finding.fiscalDay else { return nil }
            return PemDay(pem: pem, day: day)
        }
    }

    public var isEmpty: Bool { uploads.isEmpty && offlinePeriods.isEmpty && journalCloses.isEmpty }

    /// One line saying what the plan would send, for a run without `--submit`.
    public func describe(timeZone: FiscalTimeZone) -> String {
        guard !isEmpty else { return "Nothing to send to A-Cube." }
        var parts: [String] = []
        if !uploads.isEmpty {
            parts.append(
                "submit \(uploads.count) emergency report\(uploads.count == 1 ? "" : "s") ("
                    + Self.someOf(uploads.map { "\($0.pem) \($0.fiscalDay)" }) + ")")
        }
        if !offlinePeriods.isEmpty {
            parts.append(
                "notify \(offlinePeriods.count) offline period\(offlinePeriods.count == 1 ? "" : "s") ("
                    + Self.someOf(offlinePeriods.map { "\($0.pem) from \(timeZone.format($0.start))" }) + ")"
            )
        }
        if !journalCloses.isEmpty {
            parts.append(
                "close \(journalCloses.count) journal\(journalCloses.count == 1 ? "" : "s") ("
                    + Self.someOf(journalCloses.map { "\($0.pem) \($0.day)" }) + ")")
        }
        return "With --submit, Quadra would " + parts.joined(separator: "; ") + "."
    }

    /// The first five items, then how many more: a chain's night must not print a page per line.
    public static func someOf(_ items: [String]) -> String {
        let shown = items.prefix(5).joined(separator: ", ")
        return items.count > 5 ? shown + " and \(items.count - 5) more" : shown
    }
}
