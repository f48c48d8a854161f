/// The kinds of input file a night holds (formats.md §1).
public enum InputKind: String, Sendable, Hashable, CaseIterable {
    case posLog = "pos-log"
    case acubeReceipts = "acube-receipts"
    case acubeJournals = "acube-journals"
    case acubeNotifications = "acube-notifications"
    case acubeEmergencyReports = "acube-emergency-reports"
    case registerCSV = "register-csv"
    case registerXML = "register-xml"
}
