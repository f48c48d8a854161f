import Foundation

/// Seconds between laps, for the log and for the metrics (each lap named after the stage it closes).
final class Stopwatch: @unchecked Sendable {
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant
    /// The named laps, in order.
    private(set) var laps: [(stage: String, seconds: Double)] = []

    init() { last = clock.now }

    /// Seconds since the previous lap (or the start), with two decimals; recorded under `stage`.
    func lap(_ stage: String) -> String {
        let now = clock.now
        let seconds = Self.seconds(now - last)
        last = now
        laps.append((stage, seconds))
        return String(format: "%.2f", seconds)
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
