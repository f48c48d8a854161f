import Foundation

/// What one Spice recovery request told Quadra about an attempt (apis.md, Spice part).
public enum SpiceAnswer: Sendable, Hashable {
    case approved(RecoveredResponse)
    case declined(RecoveredResponse)
    /// The attempt is still running on the terminal (in progress, awaiting a signature or a phone code).
    case running(reason: String)
    case notFound(reason: String)
    /// No answer this time (5xx, an unreadable body): ask again until the deadline.
    case retry(reason: String)

    /// Approved and declined are final: the state store keeps them and a rerun never asks again.
    public var isFinal: Bool {
        switch self {
        case .approved, .declined: true
        case .running, .notFound, .retry: false
        }
    }
}
