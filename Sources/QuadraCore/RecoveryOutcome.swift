/// What Spice said about an attempt the POS left in progress.
public enum RecoveryOutcome: Sendable, Hashable {
    case approved(RecoveredResponse)
    case declined(RecoveredResponse)
    /// Spice still reported the attempt as running when the recovery deadline passed.
    case stillRunning(detail: String)
    /// Spice does not know the posRefId.
    case notFound(detail: String)
    /// Spice could not be reached before the deadline.
    case unreachable(detail: String)
}

/// The parts of a recovered Spice response the reconciliation uses.
public struct RecoveredResponse: Sendable, Hashable {
    public var amount: Money?
    public var userOverride: Bool
    public var hostResponseText: String?

    public init(amount: Money?, userOverride: Bool, hostResponseText: String?) {
        self.amount = amount
        self.userOverride = userOverride
        self.hostResponseText = hostResponseText
    }
}

/// A (PEM, fiscal day) pair: the subject of coverage, journals and submissions.
public struct PemDay: Sendable, Hashable, Comparable {
    public var pem: String
    public var day: FiscalDay

    public init(pem: String, day: FiscalDay) {
        self.pem = pem
        self.day = day
    }

    public static func < (lhs: PemDay, rhs: PemDay) -> Bool { (lhs.pem, lhs.day) < (rhs.pem, rhs.day) }
}

/// What the state store remembers that the reconciliation needs: submitted reports and notified periods.
public struct StateSnapshot: Sendable {
    /// (PEM, fiscal day) pairs an emergency report covers: its submission is settled, or an operator recorded a
    /// report covering the day.
    public var submittedReports: Set<PemDay>
    /// Client offline periods recorded as notified, by PEM and window start.
    public var notifiedPeriods: Set<PemInstant>

    /// (PEM, fiscal day) pairs whose journal Quadra closed (or found already closed).
    public var closedJournals: Set<PemDay>

    /// Emergency report submissions whose outcome is not settled yet (sent, answer lost), with what is known:
    /// each is `SUBMISSION_UNCERTAIN` until a run lists A-Cube's reports and settles it.
    public var unsettledSubmissions: [PemDay: String]

    public init(
        submittedReports: Set<PemDay> = [], notifiedPeriods: Set<PemInstant> = [], closedJournals: Set<PemDay> = [],
        unsettledSubmissions: [PemDay: String] = [:]
    ) {
        self.submittedReports = submittedReports
        self.notifiedPeriods = notifiedPeriods
        self.closedJournals = closedJournals
        self.unsettledSubmissions = unsettledSubmissions
    }
}

/// What a `SUBMISSION_UNCERTAIN` is about: a PEM and fiscal day, or the PEM alone when no day applies.
public struct SubmissionSubject: Sendable, Hashable, Comparable {
    public var pem: String
    public var day: FiscalDay?

    public init(pem: String, day: FiscalDay? = nil) {
        self.pem = pem
        self.day = day
    }

    public static func < (lhs: SubmissionSubject, rhs: SubmissionSubject) -> Bool {
        if lhs.pem != rhs.pem { return lhs.pem < rhs.pem }
        switch (lhs.day, rhs.day) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let left?, let right?): return left < right
        }
    }
}

/// A PEM and an instant: the start of one of its windows.
public struct PemInstant: Sendable, Hashable {
    public var pem: String
    public var instant: Instant

    public init(pem: String, instant: Instant) {
        self.pem = pem
        self.instant = instant
    }
}
