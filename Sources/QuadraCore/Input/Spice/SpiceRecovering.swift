import Foundation

/// Asks a Spice instance about one attempt. Only reads: recovery never POSTs.
public protocol SpiceRecovering: Sendable {
    func ask(baseURL: String, kind: AttemptKind, posRefId: String) async -> SpiceExchange
}
