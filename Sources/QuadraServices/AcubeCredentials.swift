import Foundation

/// The A-Cube account Quadra logs in with, from `QUADRA_ACUBE_EMAIL` and `QUADRA_ACUBE_PASSWORD` (or
/// `QUADRA_ACUBE_PASSWORD_FILE`, naming a file that holds the password).
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
    /// The environment variable naming a file that holds the password (a secret mounted by systemd, Docker…).
    public static let passwordFileVariable = "QUADRA_ACUBE_PASSWORD_FILE"
    /// A password file larger than this is not a password file.
    static let maximumPasswordFileBytes = 64 << 10

    /// The account's e-mail (not a secret: messages may name it).
    public let email: String
    let password: String

    /// Credentials given directly (tests, or a caller with its own secret store).
    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }

    /// Reads the credentials from `env`. The password comes from `QUADRA_ACUBE_PASSWORD`, or from the file
    /// `QUADRA_ACUBE_PASSWORD_FILE` names (its content less one trailing line end); setting both is refused, as it
    /// is ambiguous. Throws an `AcubeError` (`.missingCredentials`) naming the variable or file to fix; the message
    /// never holds a value read.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AcubeError) -> AcubeCredentials {
        let email = env[emailVariable] ?? ""
        let direct = env[passwordVariable] ?? ""
        let file = env[passwordFileVariable] ?? ""
        if !direct.isEmpty, !file.isEmpty {
            throw AcubeError(
                kind: .missingCredentials,
                message: "both \(passwordVariable) and \(passwordFileVariable) are set: set only one of them")
        }
        var password = direct
        if !file.isEmpty { password = try readPasswordFile(file) }
        var missing: [String] = []
        if email.isEmpty { missing.append(emailVariable) }
        if password.isEmpty, file.isEmpty { missing.append(passwordVariable + " (or " + passwordFileVariable + ")") }
        guard missing.isEmpty else {
            let names = missing.joined(separator: " and ")
            throw AcubeError(
                kind: .missingCredentials,
                message: "\(names) \(missing.count == 1 ? "is" : "are") not set: export the A-Cube account's "
                    + "e-mail in \(emailVariable) and its password in \(passwordVariable), or name a file holding it "
                    + "in \(passwordFileVariable) (never in the configuration file)")
        }
        return AcubeCredentials(email: email, password: password)
    }

    /// The password in `path`: the file's text less one trailing `\n` or `\r\n`.
    static func readPasswordFile(_ path: String) throws(AcubeError) -> String {
        func refused(_ why: String) -> AcubeError {
            AcubeError(kind: .missingCredentials, message: "\(passwordFileVariable): \(path): \(why)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw refused("no such file")
        }
        guard !isDirectory.boolValue else { throw refused("a directory, not a file holding the password") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw refused("cannot be read (permissions?)") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumPasswordFileBytes + 1) ?? Data()
        } catch {
            throw refused("cannot be read")
        }
        guard data.count <= maximumPasswordFileBytes else { throw refused("larger than 64 KiB: not a password file") }
        guard var text = String(data: data, encoding: .utf8) else { throw refused("not UTF-8 text") }
        // "\r\n" is one Character in Swift: one removal takes either line end.
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") { text.removeLast() }
        guard !text.isEmpty else { throw refused("empty: it must hold the A-Cube account's password") }
        guard !text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else {
            throw refused("holds more than one line: it must hold the password alone")
        }
        return text
    }

    public var description: String { "A-Cube account \(email) (password hidden)" }

    public var debugDescription: String { "AcubeCredentials(email: \(email), password: <hidden>)" }

    /// What `dump` and debuggers show: the password is hidden there too.
    public var customMirror: Mirror { Mirror(self, children: ["email": email, "password": "<hidden>"]) }
}
