import Foundation
import QuadraCore

/// The A-Cube calls submission needs. `AcubeClient` is the real one.
public protocol AcubeSubmitting: Sendable {
    /// Logs in; throws when the credentials are refused or A-Cube cannot be reached.
    func authenticate() async throws
    /// The fiscal days of `pem` that A-Cube already holds an emergency report for (by `datetime`, else `closed_at`).
    func emergencyReportDays(pem: String, timeZone: FiscalTimeZone) async throws -> Set<FiscalDay>
    func submitEmergencyReport(pem: String, body: [UInt8]) async -> AcubeWriteOutcome
    func notifyOfflinePeriod(pem: String, start: String, end: String, reason: String) async -> AcubeWriteOutcome
    func closeJournal(pem: String) async -> AcubeWriteOutcome
}

/// What submission did, for the report and the summary.
public struct SubmissionResult: Sendable {
    /// A-Cube's refusals by (PEM, fiscal day), as `SUBMISSION_REJECTED` details.
    public var rejected: [PemDay: String] = [:]
    public var sent: [String] = []
    public var skipped: [String] = []
    /// Sent, but A-Cube's answer was lost: the next run lists A-Cube's reports before sending again.
    public var unknown: [String] = []

    public init() {}

    /// Adds a refusal to the (PEM, fiscal day)'s detail.
    mutating func reject(_ key: PemDay, _ text: String) {
        rejected[key] = rejected[key].map { $0 + "; " + text } ?? text
    }
}

/// Stage 4: sends the plan to A-Cube exactly once. Every submission is written to the state store as pending
/// before it is sent and marked with A-Cube's answer after. A pending or unknown one (a crash, a lost answer)
/// is only sent again after A-Cube's list of emergency reports shows it did not land.
public struct SubmissionEngine: Sendable {
    public var client: any AcubeSubmitting
    public var store: StateStore
    public var timeZone: FiscalTimeZone
    public var now: @Sendable () -> Instant
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

    public func submit(_ plan: SubmissionPlan) async throws -> SubmissionResult {
        var result = SubmissionResult()
        guard !plan.isEmpty else { return result }
        // Refused credentials or an unreachable A-Cube stop here, before anything is recorded as pending.
        try await client.authenticate()
        var listed: [String: Set<FiscalDay>] = [:]
        for upload in plan.uploads {
            try await submitReport(
                PemDay(pem: upload.pem, day: upload.fiscalDay), body: upload.jsonBytes(), listed: &listed, into: &result
            )
        }
        for window in plan.offlinePeriods {
            try await notify(window, into: &result)
        }
        for key in plan.journalCloses {
            try await close(key, into: &result)
        }
        return result
    }

    // MARK: - Emergency reports

    /// Sends prepared upload files as they are (`quadra submit`), each exactly once.
    public func submitUploadFiles(_ files: [(key: PemDay, body: [UInt8])]) async throws -> SubmissionResult {
        var result = SubmissionResult()
        guard !files.isEmpty else { return result }
        try await client.authenticate()
        var listed: [String: Set<FiscalDay>] = [:]
        for file in files {
            try await submitReport(file.key, body: file.body, listed: &listed, into: &result)
        }
        return result
    }

    private func submitReport(
        _ key: PemDay, body: [UInt8], listed: inout [String: Set<FiscalDay>], into result: inout SubmissionResult
    ) async throws {
        let name = "emergency report \(key.pem) \(key.day)"
        let sha = SHA256.hexDigest(of: body)
        onStep?(name)
        if let record = try store.submission(key) {
            switch record.status {
            case .accepted, .alreadyPresent:
                result.skipped.append(name + " (already submitted)")
                return
            case .rejected where record.bodySHA256 == sha:
                // The same body would be refused again: the data must be fixed first.
                result.reject(key, record.detail ?? "refused earlier")
                result.skipped.append(name + " (refused earlier; fix the data)")
                return
            case .pending, .unknown, .rejected:
                // A crash or a lost answer: only send again if A-Cube does not hold it.
                if try await isListed(key, listed: &listed) {
                    try store.finishSubmission(
                        key, status: .alreadyPresent, acubeId: nil, detail: "found in A-Cube's list", at: now())
                    result.skipped.append(name + " (found at A-Cube)")
                    return
                }
                try store.restartSubmission(key, bodySHA256: sha, at: now())
            }
        } else {
            try store.beginSubmission(key, bodySHA256: sha, at: now())
        }
        switch await client.submitEmergencyReport(pem: key.pem, body: body) {
        case .accepted(let id, _):
            try store.finishSubmission(key, status: .accepted, acubeId: id, detail: nil, at: now())
            result.sent.append(name)
        case .conflict(let detail), .rejected(_, let detail):
            try store.finishSubmission(key, status: .rejected, acubeId: nil, detail: detail, at: now())
            result.reject(key, detail)
        case .unknown(let reason):
            try store.finishSubmission(key, status: .unknown, acubeId: nil, detail: reason, at: now())
            // Settle it now if A-Cube's list already shows it; otherwise the next run lists before sending.
            listed[key.pem] = nil
            if (try? await isListed(key, listed: &listed)) == true {
                try store.finishSubmission(
                    key, status: .alreadyPresent, acubeId: nil, detail: "found in A-Cube's list after: \(reason)",
                    at: now())
                result.sent.append(name)
            } else {
                result.unknown.append(name + " (\(reason))")
            }
        }
    }

    private func isListed(_ key: PemDay, listed: inout [String: Set<FiscalDay>]) async throws -> Bool {
        if let days = listed[key.pem] { return days.contains(key.day) }
        let days = try await client.emergencyReportDays(pem: key.pem, timeZone: timeZone)
        listed[key.pem] = days
        return days.contains(key.day)
    }

    // MARK: - Offline periods

    private func notify(_ window: OfflineWindow, into result: inout SubmissionResult) async throws {
        guard let end = window.end else { return }
        let key = PemInstant(pem: window.pem, instant: window.start)
        let name = "offline period \(window.pem) from \(timeZone.format(window.start))"
        onStep?(name)
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
            case .pending, .unknown:
                // A-Cube answers 409 to a period it already holds, so sending again cannot notify twice.
                try store.restartOfflinePeriod(key, end: end, at: now())
            }
        } else {
            try store.beginOfflinePeriod(key, end: end, at: now())
        }
        let outcome = await client.notifyOfflinePeriod(
            pem: window.pem, start: timeZone.format(window.start), end: timeZone.format(end),
            reason: "the POS could not reach A-Cube (client offline)")
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
        case .unknown(let reason):
            try store.finishOfflinePeriod(key, status: .unknown, detail: reason, at: now())
            result.unknown.append(name + " (\(reason))")
        }
    }

    // MARK: - Journals

    private func close(_ key: PemDay, into result: inout SubmissionResult) async throws {
        let name = "journal \(key.pem) \(key.day)"
        onStep?(name)
        if let record = try store.journalClose(key) {
            switch record.status {
            case .accepted, .alreadyPresent:
                result.skipped.append(name + " (already closed)")
                return
            case .pending, .unknown, .rejected:
                try store.restartJournalClose(key, at: now())
            }
        } else {
            try store.beginJournalClose(key, at: now())
        }
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
        case .unknown(let reason):
            try store.finishJournalClose(key, status: .unknown, detail: reason, at: now())
            result.unknown.append(name + " (\(reason))")
        }
    }
}
