import AsyncHTTPClient
import NIOCore

/// A deadline for one whole HTTP exchange: the answer's head and every byte of its body. AsyncHTTPClient's own
/// timeout stops waiting for the head, and its read timeout fires only when the peer goes quiet, so a peer that
/// sends one byte a second would hold a run forever without this.
enum WholeRequestDeadline {
    /// Time for making the connection, on top of the request's timeout: AsyncHTTPClient's connect timeout (its
    /// default, which Quadra's clients keep), so that a peer that cannot be reached is still told apart (nothing
    /// was sent) from one that was reached and did not finish.
    static let connectAllowance = TimeAmount.seconds(10)

    /// Runs `exchange` and cancels it once `timeout` (and the connect allowance) has passed, throwing
    /// `HTTPClientError.deadlineExceeded`.
    static func run<Value: Sendable>(
        _ timeout: TimeAmount, _ exchange: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let timeout = timeout + connectAllowance
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await exchange() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, timeout.nanoseconds)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw HTTPClientError.deadlineExceeded
            }
            return value
        }
    }
}
