import Foundation
import QuadraCore

/// What an operator does with the emergency reports A-Cube holds (apis.md, "Exactly once"): see which ids the state
/// store knows, take a baseline on a new store, record what a report covers, or say that a submission never landed.
/// After any of these, runs with `--submit` go on where `SUBMISSION_UNCERTAIN` stopped them.
public struct ReportRegistry: Sendable {
    public var client: AcubeClient
    public var store: StateStore
    public var now: @Sendable () -> Instant

    public init(client: AcubeClient, store: StateStore, now: @escaping @Sendable () -> Instant) {
        self.client = client
        self.store = store
        self.now = now
    }

    /// What A-Cube and the store say about one PEM's reports.
    public struct PemReports: Sendable {
        public var pem: String
        /// A-Cube's ids in the order listed, each with what the store knows of it (nil: never recorded); nil when
        /// the account cannot list (a merchant).
        public var listed: [(id: String, known: KnownReport?)]?
        /// Ids the store knows that A-Cube did not list.
        public var notListed: [KnownReport]
        /// Submissions whose outcome is not settled.
        public var unsettled: [SubmissionRecord]

        /// Whether anything stops this PEM's emergency reports: an id never recorded, or an unsettled submission.
        public var needsAction: Bool { (listed ?? []).contains { $0.known == nil } || !unsettled.isEmpty }
    }

    /// A-Cube's reports of each PEM beside what the store knows.
    public func reports(pems: [String]) async throws -> [PemReports] {
        var all: [PemReports] = []
        let submissions = try store.submissions()
        for pem in pems {
            let known = try store.knownReports(pem: pem)
            let byId = Dictionary(known.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var listed: [(id: String, known: KnownReport?)]?
            if client.canListReports {
                let ids = try await client.emergencyReportIds(pem: pem)
                listed = ids.map { ($0, byId[$0]) }
            }
            let listedIds = Set((listed ?? []).map(\.id))
            let unsettled = submissions.filter { $0.key.pem == pem && $0.status.isUnsettled }
            all.append(
                PemReports(
                    pem: pem, listed: listed,
                    notListed: listed == nil ? known : known.filter { !listedIds.contains($0.id) },
                    unsettled: unsettled))
        }
        return all
    }

    /// Records every report A-Cube lists now for each PEM as existing before Quadra. Refused (nothing recorded) when
    /// the account cannot list, or the store already records a submission or a report for one of the PEMs: a
    /// baseline is for a new state store. Returns the ids recorded, by PEM.
    public func baseline(pems: [String]) async throws -> [(pem: String, ids: [String])] {
        guard client.canListReports else {
            throw ReportRegistryError(
                "a baseline lists A-Cube's reports through MF2, which serves suppliers only (acube.role is merchant)")
        }
        let submitted = Set(try store.submissions().map(\.key.pem))
        let recorded = Set(try store.knownReports().map(\.pem))
        if let pem = pems.first(where: { submitted.contains($0) || recorded.contains($0) }) {
            throw ReportRegistryError(
                "the state store already records emergency reports of \(pem): a baseline is taken once, on a new "
                    + "state store; record each report A-Cube holds with `quadra reports record` instead")
        }
        var listed: [(pem: String, ids: [String])] = []
        for pem in pems {
            listed.append((pem, try await client.emergencyReportIds(pem: pem)))
        }
        let at = now()
        let note = "at A-Cube when the baseline was taken (\(at.utcString)): it existed before Quadra"
        try store.recordReports(
            listed.flatMap { entry in
                entry.ids.map {
                    KnownReport(pem: entry.pem, id: $0, origin: .baseline, day: nil, note: note, recordedAt: at)
                }
            })
        return listed
    }

    /// Records that report `id` of `pem` covers `day` (nil: nothing Quadra would send). A supplier's id must be one
    /// A-Cube holds. An unsettled submission of (`pem`, `day`) is settled by it.
    @discardableResult
    public func record(pem: String, id: String, covers day: FiscalDay?, note: String?) async throws -> KnownReport {
        let id = id.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty else { throw ReportRegistryError("--id: expected A-Cube's report id") }
        if client.canListReports {
            guard try await client.emergencyReport(pem: pem, id: id) != nil else {
                throw ReportRegistryError(
                    "A-Cube holds no emergency report \(id) for \(pem): check the id with `quadra reports list`")
            }
        }
        let at = now()
        let report = try store.recordReport(
            KnownReport(
                pem: pem, id: id, origin: .operator, day: day,
                note: note ?? "recorded with quadra reports record at \(at.utcString)", recordedAt: at))
        if let day, let pending = try store.submission(PemDay(pem: pem, day: day)), pending.status.isUnsettled {
            try store.finishSubmission(
                pending.key, status: .alreadyPresent, acubeId: id,
                detail: "an operator recorded that report \(id) covers it", at: at)
        }
        return report
    }

    /// Records that the unsettled submission of (`pem`, `day`) never reached A-Cube: a later run may send it again
    /// (a supplier's run first checks A-Cube's list). Refused when that submission is not unsettled. Needs no A-Cube
    /// call, only the store.
    @discardableResult
    public static func notFiled(
        store: StateStore, pem: String, day: FiscalDay, note: String?, at: Instant
    ) throws -> SubmissionRecord {
        let key = PemDay(pem: pem, day: day)
        guard let record = try store.submission(key) else {
            throw ReportRegistryError("the state store records no emergency report submission for \(pem) \(day)")
        }
        guard record.status.isUnsettled else {
            throw ReportRegistryError(
                "the emergency report submission for \(pem) \(day) is recorded as \(record.status.rawValue), not "
                    + "unsettled: there is nothing to say about it")
        }
        return try store.markNotFiled(
            key, note: note ?? "an operator said it never reached A-Cube (\(at.utcString))", at: at)
    }
}

/// Why an operator's request about reports was refused: a message saying what to do instead.
public struct ReportRegistryError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
