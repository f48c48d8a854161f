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
    /// An operator said it never reached A-Cube (`quadra reports not-filed`): it may be sent again.
    case notFiled = "not_filed"

    /// Accepted or already present: A-Cube holds it, and it must never be sent again.
    public var isSuccessful: Bool { self == .accepted || self == .alreadyPresent }

    /// Pending or unknown: it may be at A-Cube or not, until a list of A-Cube's reports settles it.
    public var isUnsettled: Bool { self == .pending || self == .unknown }
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
    /// The ids of the PEM's reports A-Cube listed just before this submission was sent; nil when no list could
    /// be taken (a merchant may not list). After an unknown outcome, a new id beyond these is this report.
    public var snapshot: [String]?
    /// When it was last sent (the POST began).
    public var sentAt: Instant?
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        key: PemDay, status: SubmissionStatus, bodySHA256: String, acubeId: String? = nil, detail: String? = nil,
        snapshot: [String]? = nil, sentAt: Instant? = nil, createdAt: Instant, updatedAt: Instant
    ) {
        self.key = key
        self.status = status
        self.bodySHA256 = bodySHA256
        self.acubeId = acubeId
        self.detail = detail
        self.snapshot = snapshot
        self.sentAt = sentAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An emergency report id the state store knows for a PEM, and what it covers.
public struct KnownReport: Sendable, Hashable {
    /// Where the store learned of it.
    public enum Origin: String, Sendable, Hashable, CaseIterable {
        /// Quadra submitted it (the 202's id, or the one new id a list showed after an unknown outcome).
        case submitted
        /// It was at A-Cube when the store's baseline was taken: it existed before Quadra.
        case baseline
        /// An operator recorded what it covers (`quadra reports record`).
        case `operator`
    }

    public var pem: String
    /// A-Cube's id, as decimal text.
    public var id: String
    public var origin: Origin
    /// The fiscal day it covers; nil when it covers nothing Quadra would send.
    public var day: FiscalDay?
    /// Who or what recorded it, and why.
    public var note: String?
    public var recordedAt: Instant

    public init(pem: String, id: String, origin: Origin, day: FiscalDay?, note: String?, recordedAt: Instant) {
        self.pem = pem
        self.id = id
        self.origin = origin
        self.day = day
        self.note = note
        self.recordedAt = recordedAt
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
