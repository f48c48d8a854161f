import QuadraCore

/// Where a change sent to A-Cube stands: written `pending` before the request, then its outcome.
public enum SubmissionStatus: String, Sendable, Hashable, CaseIterable {
    /// Recorded before sending; still `pending` after a crash means the outcome is unknown.
    case pending
    /// A-Cube accepted it (202).
    case accepted
    /// A-Cube already held it (found by listing after an unknown outcome, or a 409 meaning nothing to do).
    case alreadyPresent = "already_present"
    /// A-Cube refused it (4xx); the detail holds its reasons.
    case rejected
    /// The request may or may not have landed (timeout, reset): list at A-Cube before sending again.
    case unknown

    /// Accepted or already present: A-Cube holds it, and it must never be sent again.
    public var isSuccessful: Bool { self == .accepted || self == .alreadyPresent }
}

/// One emergency-report submission: at most one per (PEM, fiscal day).
public struct SubmissionRecord: Sendable, Hashable {
    public var key: PemDay
    public var status: SubmissionStatus
    /// SHA-256 (hex) of the body that was, or is about to be, sent.
    public var bodySHA256: String
    /// The report id A-Cube returned, when known.
    public var acubeId: String?
    /// A-Cube's reasons for a rejection, or what is known about an unknown outcome.
    public var detail: String?
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        key: PemDay, status: SubmissionStatus, bodySHA256: String, acubeId: String? = nil, detail: String? = nil,
        createdAt: Instant, updatedAt: Instant
    ) {
        self.key = key
        self.status = status
        self.bodySHA256 = bodySHA256
        self.acubeId = acubeId
        self.detail = detail
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One offline-period notification for a client window: at most one per (PEM, window start).
public struct OfflinePeriodRecord: Sendable, Hashable {
    /// The PEM and the window's start.
    public var key: PemInstant
    /// The window's end as notified.
    public var end: Instant
    public var status: SubmissionStatus
    public var detail: String?
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        key: PemInstant, end: Instant, status: SubmissionStatus, detail: String? = nil, createdAt: Instant,
        updatedAt: Instant
    ) {
        self.key = key
        self.end = end
        self.status = status
        self.detail = detail
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One journal close request: at most one per (PEM, fiscal day).
public struct JournalCloseRecord: Sendable, Hashable {
    public var key: PemDay
    public var status: SubmissionStatus
    public var detail: String?
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(key: PemDay, status: SubmissionStatus, detail: String? = nil, createdAt: Instant, updatedAt: Instant) {
        self.key = key
        self.status = status
        self.detail = detail
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
