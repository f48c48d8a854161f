import Foundation

/// The A-Cube account Quadra logs in with, from `QUADRA_ACUBE_EMAIL` and `QUADRA_ACUBE_PASSWORD`.
///
/// The password is kept private to this module: `description` and `debugDescription` never show it, and
/// neither does any error or outcome of `AcubeClient`.
public struct AcubeCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The environment variable holding the account's e-mail.
    public static let emailVariable = "QUADRA_ACUBE_EMAIL"
    /// The environment variable holding the account's password.
    public static let passwordVariable = "QUADRA_ACUBE_PASSWORD"

    /// The account's e-mail (not a secret: messages may name it).
    public let email: String
    let password: String

    /// Credentials given directly (tests, or a caller with its own secret store).
    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }

    /// Reads the credentials from `env`. Throws an `AcubeError` (`.missingCredentials`) naming the variable to
    /// set when one is missing or empty; the message never holds a value.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AcubeError) -> AcubeCredentials {
        let email = env[emailVariable] ?? ""
        let password = env[passwordVariable] ?? ""
        let missing = [(emailVariable, email), (passwordVariable, password)].filter { $0.1.isEmpty }.map(\.0)
        guard missing.isEmpty else {
            let names = missing.joined(separator: " and ")
            throw AcubeError(
                kind: .missingCredentials,
                message: "\(names) \(missing.count == 1 ? "is" : "are") not set: export the A-Cube account's "
                    + "e-mail in \(emailVariable) and its password in \(passwordVariable) (never in the configuration "
                    + "file)")
        }
        return AcubeCredentials(email: email, password: password)
    }

    public var description: String { "A-Cube account \(email) (password hidden)" }

    public var debugDescription: String { "AcubeCredentials(email: \(email), password: <hidden>)" }

    /// What `dump` and debuggers show: the password is hidden there too.
    public var customMirror: Mirror { Mirror(self, children: ["email": email, "password": "<hidden>"]) }
}
