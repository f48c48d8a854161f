/// An operational failure of an A-Cube read or login (conventions.md "three kinds of bad", kind 3): a message a
/// back-office operator can act on. It never holds the password or the token.
public struct AcubeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that map failures to exit statuses or findings.
    public enum Kind: Sendable, Hashable {
        /// `QUADRA_ACUBE_EMAIL` or `QUADRA_ACUBE_PASSWORD` is not set.
        case missingCredentials
        /// A setting the call needs is missing (`acube.merchant_uuid` for journals).
        case notConfigured
        /// The login was refused, or a call was refused with 401 even after logging in again.
        case credentialsRefused
        /// A-Cube could not be reached (refused, reset, timed out) even after the retries.
        case unreachable
        /// A-Cube kept answering 429 or 5xx through every retry.
        case unavailable(status: Int)
        /// A-Cube refused the request with a final 4xx (404, 403, 422…).
        case refused(status: Int)
        /// A-Cube answered something Quadra cannot use (not JSON, not a list page, no token).
        case badResponse
    }

    public var kind: Kind
    /// The whole message, without any secret.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
