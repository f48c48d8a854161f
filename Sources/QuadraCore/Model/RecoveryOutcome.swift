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
