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
