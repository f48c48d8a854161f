/// An A-Cube receipt (ReceiptOutput) as the export lists it.
public struct AcubeReceipt: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case sale
        case `return`
        case void
    }

    /// Lower-cased.
    public var uuid: String
    public var kind: Kind
    /// Null on `void` and `return`.
    public var totalAmount: Money?
    public var documentNumber: String?
    /// `document_datetime` (local time in the fiscal zone) as an instant.
    public var documentAt: Instant
    /// Lower-cased.
    public var parentUuid: String?
    public var source: SourceLocation
}

/// An A-Cube journal: one PEM's fiscal day, open or closed.
public struct AcubeJournal: Sendable, Hashable {
    public var uuid: String
    public var pem: String
    public var date: FiscalDay
    public var isOpen: Bool
    public var source: SourceLocation
}

/// An A-Cube notification, reduced to the PEM status change it announces.
public struct AcubeNotification: Sendable, Hashable {
    public enum Event: String, Sendable, Hashable {
        /// `SYS-W-01` INTERNAL_COMMUNICATION_FAILURE.
        case communicationFailure
        /// `SYS-I-02` INTERNAL_COMMUNICATION_RESTORED.
        case communicationRestored
        /// `SYS-C-01` STATUS_OFFLINE, or the older PEM_STATUS_CHANGED to OFFLINE.
        case offline
        /// `SYS-I-01` STATUS_ONLINE, or the older PEM_STATUS_CHANGED to ONLINE.
        case online
    }

    public var uuid: String
    public var createdAt: Instant
    public var event: Event
    public var source: SourceLocation
}

/// An emergency report A-Cube already holds for a PEM, as `acube/<PEM>/emergency-reports*.json` lists it.
public struct AcubeEmergencyReport: Sendable, Hashable {
    /// A-Cube's id (an integer, as decimal text; a string id as it is).
    public var id: String
    /// `datetime`, the value the report was submitted with, when the export has it (exports made elsewhere).
    /// A-Cube's own list has only `closed_at`, a server time that never says which day a report covers.
    public var datetime: Instant?
    public var source: SourceLocation
}

/// Everything `acube/<PEM>/` held. Its presence means the PEM has A-Cube data, even when empty.
public struct AcubeData: Sendable {
    public var pem: String
    /// By uuid; a uuid listed twice (overlapping pages) counts once.
    public var receipts = AcubeReceiptTable()
    public var journals: [AcubeJournal] = []
    /// By uuid.
    public var notifications: [String: AcubeNotification] = [:]
    public var emergencyReports: [AcubeEmergencyReport] = []

    public init(pem: String) { self.pem = pem }
}
