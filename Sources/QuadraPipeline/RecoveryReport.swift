import Foundation
import QuadraCore

/// What stage 3 (recovery from Spice) did.
public struct RecoveryReport: Sendable {
    /// Each attempt's outcome, by posRefId: those recovered earlier and those Spice answered now.
    public var outcomes: [String: RecoveryOutcome]
    /// Open attempts Spice was asked about.
    public var attempts: Int
    /// Requests sent.
    public var requests: Int
    public var seconds: Double

    /// "Asked Spice 12 times about 3 open attempts in 0.4 s (30 requests/s)."
    public var summary: String {
        "Asked Spice \(requests) time\(requests == 1 ? "" : "s") about \(attempts) open attempt"
            + (attempts == 1 ? "" : "s") + " in "
            + String(format: "%.1f s (%.0f requests/s).", seconds, seconds > 0 ? Double(requests) / seconds : 0)
    }
}
