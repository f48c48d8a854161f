import Foundation
import QuadraCore

/// When and how long `AcubeClient` waits before trying a call again (apis.md: 503 honours `Retry-After`, 429
/// backs off). Every bound is here, in one place, so it is easy to change.
public struct AcubeRetryPolicy: Sendable, Hashable {
    /// How many times one call is tried again after a 429 or a 503 (and, for reads, any 5xx, timeout or dropped
    /// connection).
    public var maximumRetries: Int
    /// No single wait is longer than this, whatever `Retry-After` says.
    public var maximumDelay: Duration
    /// The wait after a 503 (or another 5xx) that carries no usable `Retry-After`.
    public var defaultRetryAfter: Duration
    /// The first wait after a 429 or a transport failure; it doubles on each retry, with jitter.
    public var initialBackoff: Duration

    public init(
        maximumRetries: Int, maximumDelay: Duration = .seconds(60), defaultRetryAfter: Duration = .seconds(2),
        initialBackoff: Duration = .milliseconds(500)
    ) {
        self.maximumRetries = max(0, maximumRetries)
        self.maximumDelay = maximumDelay
        self.defaultRetryAfter = defaultRetryAfter
        self.initialBackoff = initialBackoff
    }

    /// The policy of `settings`: its `maximumRetries`, with the default waits.
    public init(settings: Configuration.AcubeSettings) {
        self.init(maximumRetries: Int(clamping: settings.maximumRetries))
    }

    /// Why a call is tried again.
    public enum Cause: Sendable, Hashable {
        /// 503, or another 5xx on a read: honour `Retry-After` (seconds), else wait `defaultRetryAfter`.
        case unavailable(retryAfter: String?)
        /// 429: honour `Retry-After` when given, else back off exponentially with jitter.
        case tooManyRequests(retryAfter: String?)
        /// The connection failed or timed out (reads only): back off exponentially with jitter.
        case transport
    }

    /// The wait before retry number `retry` (1 for the first retry), capped at `maximumDelay`.
    public func delay(beforeRetry retry: Int, cause: Cause) -> Duration {
        let wait: Duration
        switch cause {
        case .unavailable(let header):
            wait = Self.seconds(inRetryAfter: header) ?? defaultRetryAfter
        case .tooManyRequests(let header):
            wait = Self.seconds(inRetryAfter: header) ?? backoff(retry)
        case .transport:
            wait = backoff(retry)
        }
        return min(wait, maximumDelay)
    }

    /// `initialBackoff × 2^(retry−1)`, times a random factor from 0.5 to 1 (so clients that failed together do
    /// not come back together).
    func backoff(_ retry: Int) -> Duration {
        let doublings = min(max(0, retry - 1), 30)
        let base = initialBackoff * (1 << doublings)
        guard base < maximumDelay else { return maximumDelay }
        return base * Double.random(in: 0.5...1.0)
    }

    /// The delay of a `Retry-After` header in delta-seconds form (`"2"`, `"1.5"`); nil when absent or an HTTP
    /// date (then the default applies).
    static func seconds(inRetryAfter header: String?) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), let value = Double(text), value >= 0,
            value.isFinite
        else { return nil }
        return .milliseconds(Int64(min(value, 86_400) * 1000))
    }
}
