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
    /// (PEM, fiscal day) pairs whose emergency report the store records as submitted.
    public var submittedReports: Set<PemDay>
    /// Client offline periods recorded as notified, by PEM and window start.
    public var notifiedPeriods: Set<PemInstant>

    /// (PEM, fiscal day) pairs whose journal Quadra closed (or found already closed).
    public var closedJournals: Set<PemDay>

    public init(
        submittedReports: Set<PemDay> = [], notifiedPeriods: Set<PemInstant> = [], closedJournals: Set<PemDay> = []
    ) {
        self.submittedReports = submittedReports
        self.notifiedPeriods = notifiedPeriods
        self.closedJournals = closedJournals
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
