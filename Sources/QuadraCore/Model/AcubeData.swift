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
