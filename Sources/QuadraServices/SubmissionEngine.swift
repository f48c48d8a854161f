import Foundation
import QuadraCore

/// The A-Cube calls submission needs. `AcubeClient` is the real one.
public protocol AcubeSubmitting: Sendable {
    /// Whether this account may list a PEM's emergency reports (a supplier: MF2 refuses merchants).
    var canListReports: Bool { get }
    /// Logs in; throws when the credentials are refused or A-Cube cannot be reached.
    func authenticate() async throws
    /// The ids of every emergency report A-Cube holds for `pem` (every page).
    func emergencyReportIds(pem: String) async throws -> [String]
    func submitEmergencyReport(pem: String, body: [UInt8]) async -> AcubeWriteOutcome
    func communicateOffline(pem: String, timestamp: String, reason: String) async -> AcubeWriteOutcome
    func closeJournal(pem: String) async -> AcubeWriteOutcome
}

/// What submission did, for the report and the summary.
public struct SubmissionResult: Sendable {
    /// A-Cube's refusals by (PEM, fiscal day), as `SUBMISSION_REJECTED` details.
    public var rejected: [PemDay: String] = [:]
    /// What could not be settled, as `SUBMISSION_UNCERTAIN` details: nothing more was sent for those PEMs.
    public var uncertain: [SubmissionSubject: String] = [:]
    public var sent: [String] = []
    public var skipped: [String] = []
    /// Why submitting stopped before the end (A-Cube could not be used): the run exits 2.
    public var failure: String?

    public init() {}

    /// Adds a refusal to the (PEM, fiscal day)'s detail.
    mutating func reject(_ key: PemDay, _ text: String) {
        rejected[key] = rejected[key].map { $0 + "; " + text } ?? text
    }

    /// Adds another PEM's part.
    mutating func merge(_ other: SubmissionResult) {
        for (key, text) in other.rejected { reject(key, text) }
        uncertain.merge(other.uncertain) { $1 }
        sent += other.sent
        skipped += other.skipped
        if failure == nil { failure = other.failure }
    }
}

/// Stage 4: sends the plan to A-Cube, each emergency report exactly once, by A-Cube's report ids (apis.md,
/// "Exactly once"):
///
/// 1. Per PEM, A-Cube's list of report ids is read whole. A submission left unsettled by an earlier run (a crash, a
///    lost answer) is settled first: the one id beyond the ids listed just before it was sent and every id the store
///    knows is its report. No new id, and it was sent longer ago than `resendAfter`: it did not land (`not_filed`),
///    so it may be sent again; several new ids, or no list (a merchant): `SUBMISSION_UNCERTAIN`.
/// 2. An id A-Cube lists that the store never recorded (someone else submitted, or the store was lost) stops every
///    emergency report of that PEM (`SUBMISSION_UNCERTAIN`) until an operator records what it covers.
/// 3. Before each POST the PEM's ids are listed again and stored with the pending record; a 202's id settles it; an
///    unknown outcome is settled from a new list when it can be, and is never resent in the same run.
///
/// Offline communications and journal closes are recorded the same way; A-Cube answers 409 to a repeat, so an
/// unknown outcome is simply sent again. PEMs are submitted `concurrency` at a time.
public struct SubmissionEngine: Sendable {
    public var client: any AcubeSubmitting
    public var store: StateStore
    public var timeZone: FiscalTimeZone
    public var now: @Sendable () -> Instant
    /// An unsettled submission that a list does not show is sent again only once this long has passed since it was
    /// sent, so that a report A-Cube is still processing is never sent twice.
    public var resendAfter: Duration = .seconds(30)
    /// PEMs submitted at once.
    public var concurrency = 4
    /// Called before each call that changes something at A-Cube, with what it is about (for progress display).
    public var onStep: (@Sendable (String) -> Void)?

    public init(
        client: any AcubeSubmitting, store: StateStore, timeZone: FiscalTimeZone, now: @escaping @Sendable () -> Instant
    ) {
        self.client = client
        self.store = store
        self.timeZone = timeZone
        self.now = now
    }

    /// One PEM's share of the work.
    struct PemWork: Sendable {
        var pem: String
        var uploads: [(day: FiscalDay, body: [UInt8])] = []
        var offlinePeriods: [OfflineWindow] = []
        var journalCloses: [FiscalDay] = []
        /// Report ids the night's exports describe (they carry the `datetime` that says what they cover).
        var describedIds: Set<String> = []
        /// The PEM's submissions an earlier run left unsettled, read once for every PEM when the run starts.
        var unsettled: [SubmissionRecord] = []
    }

    /// Submits the plan. Throws only when the state store fails or the login is refused before anything was sent;
    /// A-Cube failing later is `failure` in the result, with what was done before it recorded.
    public func submit(_ plan: SubmissionPlan) async throws -> SubmissionResult {
        var work: [String: PemWork] = [:]
        for upload in plan.uploads {
            work[upload.pem, default: PemWork(pem: upload.pem)].uploads.append((upload.fiscalDay, upload.jsonBytes()))
        }
        for window in plan.offlinePeriods {
            work[window.pem, default: PemWork(pem: window.pem)].offlinePeriods.append(window)
        }
        for key in plan.journalCloses {
            work[key.pem, default: PemWork(pem: key.pem)].journalCloses.append(key.day)
        }
        for (pem, ids) in plan.describedReportIds where work[pem] != nil {
            work[pem]?.describedIds = ids
        }
        return try await run(work)
    }

    /// Sends prepared upload files as they are (`quadra submit`), each exactly once.
    public func submitUploadFiles(_ files: [(key: PemDay, body: [UInt8])]) async throws -> SubmissionResult {
        var work: [String: PemWork] = [:]
        for file in files {
            work[file.key.pem, default: PemWork(pem: file.key.pem)].uploads.append((file.key.day, file.body))
        }
        return try await run(work)
    }

    /// Adds the PEMs the store holds unsettled submissions for, then works through every PEM.
    private func run(_ plan: [String: PemWork]) async throws -> SubmissionResult {
        var work = plan
        for record in try store.submissions() where record.status.isUnsettled {
            work[record.key.pem, default: PemWork(pem: record.key.pem)].unsettled.append(record)
        }
        var result = SubmissionResult()
        guard !work.isEmpty else { return result }
        // Refused credentials or an unreachable A-Cube stop here, before anything is recorded as pending.
        try await client.authenticate()
        let stop = StopSignal()
        let parts = try await BoundedConcurrency.map(work.keys.sorted().compactMap { work[$0] }, limit: concurrency) {
            one in try await submit(one, stop: stop)
        }
        for part in parts { result.merge(part) }
        return result
    }

    /// Every change of one PEM: emergency reports, then offline periods, then journal closes.
    private func submit(_ work: PemWork, stop: StopSignal) async throws -> SubmissionResult {
        var result = SubmissionResult()
        guard !stop.isStopped else {
            result.skipped.append("everything for \(work.pem) (not sent: submission stopped)")
            return result
        }
        // Whatever happens to this PEM, a failure stops the PEMs not started yet.
        defer { if let failure = result.failure { stop.stop(failure) } }
        var reports = ReportState(pem: work.pem, described: work.describedIds)
        try await settle(work.unsettled, &reports, into: &result)
        for upload in work.uploads.sorted(by: { $0.day < $1.day }) {
            try await submitReport(PemDay(pem: work.pem, day: upload.day), body: upload.body, &reports, stop, &result)
        }
        for window in work.offlinePeriods.sorted(by: { $0.start < $1.start }) where result.failure == nil {
            guard !stop.isStopped else { break }
            try await notify(window, into: &result)
        }
        for day in work.journalCloses.sorted() where result.failure == nil {
            guard !stop.isStopped else { break }
            try await close(PemDay(pem: work.pem, day: day), into: &result)
        }
        return result
    }

    // MARK: - Emergency reports

    /// What a PEM's reports look like during its submission.
    struct ReportState {
        let pem: String
        /// Ids the night's exports describe with a `datetime`.
        let described: Set<String>
        /// The latest list of A-Cube's ids; nil before the first list, or when no list can be taken.
        var listed: [String]?
        /// Every id the store knows for the PEM, plus `described`.
        var known: Set<String> = []
        /// Ids claimed by an unsettled submission (several new ids): reported with it, not again as unknown.
        var candidates: Set<String> = []
        /// Why no emergency report of the PEM may be sent in this run, when one may not.
        var blocked: String?

        init(pem: String, described: Set<String>) {
            self.pem = pem
            self.described = described
        }
    }

    /// Lists A-Cube's ids, settles what earlier runs left unsettled, and blocks the PEM's reports when A-Cube holds
    /// a report the store never recorded.
    private func settle(
        _ unsettled: [SubmissionRecord], _ state: inout ReportState, into result: inout SubmissionResult
    ) async throws {
        let pem = state.pem
        if client.canListReports {
            do {
                state.listed = try await client.emergencyReportIds(pem: pem)
            } catch {
                result.failure = "cannot list the emergency reports of \(pem): \(error)"
                state.blocked = "A-Cube's list of reports could not be read"
                return
            }
        }
        let covering = try refreshKnown(&state)
        for record in unsettled {
            let key = record.key
            if let report = covering.first(where: { $0.day == key.day }) {
                try store.finishSubmission(
                    key, status: .alreadyPresent, acubeId: report.id,
                    detail: "report \(report.id) covers it (\(StateStore.describe(report)))", at: now())
                result.skipped.append("emergency report \(key.pem) \(key.day) (settled: report \(report.id))")
                continue
            }
            guard let listed = state.listed, let snapshot = record.snapshot else {
                let why =
                    state.listed == nil
                    ? "a merchant cannot list A-Cube's reports"
                    : "no list of A-Cube's reports was kept when it was sent, so the list cannot settle it"
                result.uncertain[SubmissionSubject(pem: pem, day: key.day)] =
                    StateStore.unsettledDetail(record) + "; " + why + ": " + Self.operatorSteps(key)
                state.blocked = "an earlier submission is not settled"
                continue
            }
            let before = Set(snapshot)
            let new = listed.filter { !before.contains($0) && !state.known.contains($0) }
            switch new.count {
            case 1:
                try store.finishSubmission(
                    key, status: .accepted, acubeId: new[0],
                    detail: "settled from A-Cube's list: report \(new[0]) appeared after it was sent", at: now())
                state.known.insert(new[0])
                result.sent.append("emergency report \(key.pem) \(key.day) (answer lost; report \(new[0]) found)")
            case 0:
                let sent = record.sentAt ?? record.updatedAt
                let elapsed = Duration.milliseconds(now().millis - sent.millis)
                if elapsed < resendAfter {
                    result.uncertain[SubmissionSubject(pem: pem, day: key.day)] =
                        StateStore.unsettledDetail(record)
                        + "; A-Cube does not list it yet, but it was sent only \(Self.seconds(elapsed)) ago and may "
                        + "still be processed: the next run with --submit settles it"
                    state.blocked = "an earlier submission is not settled yet"
                } else {
                    try store.finishSubmission(
                        key, status: .notFiled, acubeId: nil,
                        detail: "A-Cube did not list it \(Self.seconds(elapsed)) after it was sent: it did not land",
                        at: now())
                }
            default:
                state.candidates.formUnion(new)
                result.uncertain[SubmissionSubject(pem: pem, day: key.day)] =
                    StateStore.unsettledDetail(record)
                    + "; A-Cube lists \(new.count) reports that appeared since it was sent (ids "
                    + new.joined(separator: ", ") + ") and cannot tell which is this one: record what each covers "
                    + "with `quadra reports record --pem \(pem) --id ID --covers DAY` (or --covers-nothing)"
                state.blocked = "an earlier submission is not settled"
            }
        }
        checkUnknownIds(&state, into: &result)
    }

    /// Blocks the PEM's reports when A-Cube lists an id the store never recorded.
    private func checkUnknownIds(_ state: inout ReportState, into result: inout SubmissionResult) {
        guard let listed = state.listed else { return }
        let unknown = listed.filter { !state.known.contains($0) && !state.candidates.contains($0) }
        guard !unknown.isEmpty else { return }
        let pem = state.pem
        let ids = unknown.joined(separator: ", ")
        result.uncertain[SubmissionSubject(pem: pem)] =
            "A-Cube holds emergency report\(unknown.count == 1 ? "" : "s") \(ids) for \(pem) that the state store "
            + "never recorded (someone else submitted, or the state store was lost): no emergency report is sent for "
            + "\(pem) until an operator records what \(unknown.count == 1 ? "it covers" : "each covers"): `quadra "
            + "reports record --pem \(pem) --id \(unknown[0]) --covers DAY` (or --covers-nothing)"
        state.blocked = "A-Cube holds a report the state store never recorded"
    }

    /// The ids the store knows for the PEM, with the ones the night's exports describe; returns the store's
    /// reports.
    @discardableResult
    private func refreshKnown(_ state: inout ReportState) throws -> [KnownReport] {
        let reports = try store.knownReports(pem: state.pem)
        state.known = Set(reports.map(\.id)).union(state.described)
        return reports
    }

    private func submitReport(
        _ key: PemDay, body: [UInt8], _ state: inout ReportState, _ stop: StopSignal,
        _ result: inout SubmissionResult
    ) async throws {
        let name = "emergency report \(key.pem) \(key.day)"
        if let blocked = state.blocked {
            result.skipped.append(name + " (not sent: \(blocked))")
            return
        }
        guard !stop.isStopped, result.failure == nil else {
            result.skipped.append(name + " (not sent: submission stopped)")
            return
        }
        let sha = SHA256.hexDigest(of: body)
        let existing = try store.submission(key)
        if let existing {
            switch existing.status {
            case .accepted, .alreadyPresent:
                result.skipped.append(name + " (already submitted)")
                return
            case .rejected where existing.bodySHA256 == sha:
                // The same body would be refused again: the data must be fixed first.
                result.reject(key, existing.detail ?? "refused earlier")
                result.skipped.append(name + " (refused earlier; fix the data)")
                return
            case .pending, .unknown:
                // `settle` either settled it or blocked the PEM; it is never resent blindly.
                result.skipped.append(name + " (not sent: an earlier submission is not settled)")
                return
            case .rejected, .notFiled:
                break
            }
        }
        if try store.knownReports(pem: key.pem).contains(where: { $0.day == key.day }) {
            result.skipped.append(name + " (a report recorded in the state store covers it)")
            return
        }
        // The list right before the POST: it is what tells this report apart if the answer is lost.
        var snapshot: [String]?
        if client.canListReports {
            do {
                snapshot = try await client.emergencyReportIds(pem: key.pem)
            } catch {
                result.failure = "cannot list the emergency reports of \(key.pem): \(error)"
                result.skipped.append(name + " (not sent: A-Cube's list of reports could not be read)")
                state.blocked = "A-Cube's list of reports could not be read"
                return
            }
            state.listed = snapshot
            try refreshKnown(&state)
            checkUnknownIds(&state, into: &result)
            if let blocked = state.blocked {
                result.skipped.append(name + " (not sent: \(blocked))")
                return
            }
        }
        onStep?(name)
        let sentAt = now()
        // Claimed in one transaction: a record another run made meanwhile is never sent over.
        let claimed =
            existing == nil
            ? try store.claimSubmission(key, bodySHA256: sha, snapshot: snapshot, sentAt: sentAt, at: sentAt)
            : try store.reclaimSubmission(key, bodySHA256: sha, snapshot: snapshot, sentAt: sentAt, at: sentAt)
        guard claimed != nil else {
            result.skipped.append(name + " (not sent: another run recorded it meanwhile)")
            state.blocked = "another run is submitting for \(key.pem)"
            return
        }
        switch await client.submitEmergencyReport(pem: key.pem, body: body) {
        case .accepted(let id?, _):
            try store.finishSubmission(key, status: .accepted, acubeId: id, detail: nil, at: now())
            state.known.insert(id)
            result.sent.append(name)
        case .accepted(nil, _):
            try await settleLost(
                key, name: name, snapshot: snapshot, reason: "A-Cube accepted it without saying its id", &state,
                &result)
        case .conflict(let detail), .rejected(_, let detail):
            try store.finishSubmission(key, status: .rejected, acubeId: nil, detail: detail, at: now())
            result.reject(key, detail)
        case .notSent(let reason):
            try store.finishSubmission(key, status: .notFiled, acubeId: nil, detail: "not sent: " + reason, at: now())
            result.failure = reason
            result.skipped.append(name + " (not sent)")
            state.blocked = "submission stopped"
        case .unknown(let reason):
            try await settleLost(key, name: name, snapshot: snapshot, reason: reason, &state, &result)
        }
    }

    /// After an answer that does not settle the submission: records it unknown, then looks for its id in a new
    /// list. Found: settled. Otherwise it stays unsettled (`SUBMISSION_UNCERTAIN`) and the PEM sends nothing more.
    private func settleLost(
        _ key: PemDay, name: String, snapshot: [String]?, reason: String, _ state: inout ReportState,
        _ result: inout SubmissionResult
    ) async throws {
        let record = try store.finishSubmission(key, status: .unknown, acubeId: nil, detail: reason, at: now())
        state.blocked = "an earlier submission is not settled"
        if let snapshot, let listed = try? await client.emergencyReportIds(pem: key.pem) {
            state.listed = listed
            let before = Set(snapshot)
            let new = listed.filter { !before.contains($0) && !state.known.contains($0) }
            if new.count == 1 {
                try store.finishSubmission(
                    key, status: .accepted, acubeId: new[0],
                    detail: "settled from A-Cube's list after: \(reason)", at: now())
                state.known.insert(new[0])
                state.blocked = nil
                result.sent.append(name + " (answer lost; report \(new[0]) found)")
                return
            }
            if new.count > 1 { state.candidates.formUnion(new) }
        }
        result.uncertain[SubmissionSubject(pem: key.pem, day: key.day)] =
            StateStore.unsettledDetail(record)
            + (client.canListReports
                ? "; it is not settled from A-Cube's list yet: the next run with --submit settles it, and sends it "
                    + "again only if A-Cube still does not list it"
                : "; a merchant cannot list A-Cube's reports: " + Self.operatorSteps(key))
    }

    /// What an operator does about a submission the list cannot settle.
    static func operatorSteps(_ key: PemDay) -> String {
        "check at A-Cube, then run `quadra reports record --pem \(key.pem) --id ID --covers \(key.day)` if it is "
            + "there, or `quadra reports not-filed --pem \(key.pem) --day \(key.day)` if it is not"
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds == 1 ? "1 s" : "\(seconds) s"
    }

    // MARK: - Offline periods

    private func notify(_ window: OfflineWindow, into result: inout SubmissionResult) async throws {
        guard let end = window.end else { return }
        let key = PemInstant(pem: window.pem, instant: window.start)
        let name = "offline period \(window.pem) from \(timeZone.format(window.start))"
        if let record = try store.offlinePeriod(key) {
            switch record.status {
            case .accepted, .alreadyPresent:
                result.skipped.append(name + " (already notified)")
                return
            case .rejected:
                result.reject(
                    PemDay(pem: window.pem, day: timeZone.fiscalDay(of: window.start)),
                    "offline period from \(timeZone.format(window.start)) refused: \(record.detail ?? "")")
                return
            case .pending, .unknown, .notFiled:
                // A-Cube answers 409 to a period it already holds, so sending again cannot notify twice.
                try store.restartOfflinePeriod(key, end: end, at: now())
            }
        } else {
            try store.beginOfflinePeriod(key, end: end, at: now())
        }
        onStep?(name)
        let outcome = await client.communicateOffline(
            pem: window.pem, timestamp: timeZone.format(window.start),
            reason: Self.offlineReason(end: timeZone.format(end)))
        switch outcome {
        case .accepted:
            try store.finishOfflinePeriod(key, status: .accepted, detail: nil, at: now())
            result.sent.append(name)
        case .conflict(let detail):
            try store.finishOfflinePeriod(key, status: .alreadyPresent, detail: detail, at: now())
            result.skipped.append(name + " (A-Cube already holds it)")
        case .rejected(_, let detail):
            try store.finishOfflinePeriod(key, status: .rejected, detail: detail, at: now())
            result.reject(
                PemDay(pem: window.pem, day: timeZone.fiscalDay(of: window.start)),
                "offline period from \(timeZone.format(window.start)) refused: \(detail)")
        case .notSent(let reason):
            try store.finishOfflinePeriod(key, status: .unknown, detail: "not sent: " + reason, at: now())
            result.failure = reason
        case .unknown(let reason):
            try store.finishOfflinePeriod(key, status: .unknown, detail: reason, at: now())
            result.skipped.append(name + " (answer lost: sent again next run; A-Cube answers 409 if it has it)")
        }
    }

    /// The reason sent with an offline communication: it names the window's end, which the body has no field for.
    public static func offlineReason(end: String) -> String {
        "the POS could not reach A-Cube (client offline) until \(end)"
    }

    // MARK: - Journals

    private func close(_ key: PemDay, into result: inout SubmissionResult) async throws {
        let name = "journal \(key.pem) \(key.day)"
        if let record = try store.journalClose(key) {
            switch record.status {
            case .accepted, .alreadyPresent:
                result.skipped.append(name + " (already closed)")
                return
            case .pending, .unknown, .rejected, .notFiled:
                try store.restartJournalClose(key, at: now())
            }
        } else {
            try store.beginJournalClose(key, at: now())
        }
        onStep?(name)
        switch await client.closeJournal(pem: key.pem) {
        case .accepted:
            try store.finishJournalClose(key, status: .accepted, detail: nil, at: now())
            result.sent.append(name)
        case .conflict(let detail):
            // 409: no open journal, so it is closed already. Not an error for Quadra.
            try store.finishJournalClose(key, status: .alreadyPresent, detail: detail, at: now())
            result.skipped.append(name + " (already closed)")
        case .rejected(_, let detail):
            try store.finishJournalClose(key, status: .rejected, detail: detail, at: now())
            result.reject(key, "journal close refused: \(detail)")
        case .notSent(let reason):
            try store.finishJournalClose(key, status: .unknown, detail: "not sent: " + reason, at: now())
            result.failure = reason
        case .unknown(let reason):
            try store.finishJournalClose(key, status: .unknown, detail: reason, at: now())
            result.skipped.append(name + " (answer lost: sent again next run; A-Cube answers 409 if it is closed)")
        }
    }
}

/// Set once when submitting must stop (A-Cube could not be used): PEMs not started yet send nothing.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?

    var isStopped: Bool { lock.withLock { reason != nil } }

    func stop(_ why: String) {
        lock.withLock { if reason == nil { reason = why } }
    }
}
