/// Derives the offline windows of formats.md §2.
public enum OfflineWindows {
    /// Platform windows and communication incidents of one PEM, from its notifications.
    public static func platform(pem: String, notifications: some Collection<AcubeNotification>)
        -> (windows: [OfflineWindow], incidents: [CommunicationIncident])
    {
        let ordered = notifications.sorted { ($0.createdAt, $0.uuid) < ($1.createdAt, $1.uuid) }
        var windows: [OfflineWindow] = []
        var incidents: [CommunicationIncident] = []
        var offlineSince: Instant?
        var failureSince: Instant?
        for notification in ordered {
            switch notification.event {
            case .offline:
                if offlineSince == nil { offlineSince = notification.createdAt }
                failureSince = nil
            case .online:
                if let start = offlineSince {
                    windows.append(OfflineWindow(pem: pem, kind: .platform, start: start, end: notification.createdAt))
                }
                offlineSince = nil
                failureSince = nil
            case .communicationFailure:
                if offlineSince == nil, failureSince == nil { failureSince = notification.createdAt }
            case .communicationRestored:
                if let start = failureSince, offlineSince == nil {
                    incidents.append(CommunicationIncident(pem: pem, start: start, restoredAt: notification.createdAt))
                }
                failureSince = nil
            }
        }
        if let start = offlineSince {
            windows.append(OfflineWindow(pem: pem, kind: .platform, start: start, end: nil))
        }
        return (windows, incidents)
    }

    /// Client windows per PEM from the POS receipt events of every sale.
    public static func client(sales: some Collection<SaleRecord>) -> [String: [OfflineWindow]] {
        var marks = ClientMarks()
        for sale in sales { marks.add(sale) }
        return marks.windows()
    }
}
