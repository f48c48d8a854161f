import Foundation
import NIOSSL
import QuadraCore

/// A cash register's client certificate and private key, loaded and checked, ready to present over mutual TLS
/// (A-Cube serves notifications only so, scoped by the certificate: apis.md).
///
/// Messages about it name the PEM and the files, never their contents.
public struct AcubeClientIdentity: Sendable {
    /// The PEM the certificate belongs to.
    public let pem: String
    /// The TLS configuration of a request made with this identity: the system's roots (and `ca_certificate`),
    /// the certificate chain and the key.
    let tlsConfiguration: TLSConfiguration

    /// Loads `files` for `pem`, trusting `caCertificate` besides the system's roots. Throws an `AcubeError`
    /// (`.notConfigured`) naming the PEM, the setting and the file, never their contents, when a file cannot be read,
    /// is not PEM, or the key does not match the certificate.
    public static func load(
        pem: String, files: Configuration.AcubeSettings.ClientCertificate, caCertificate: String?
    ) throws(AcubeError) -> AcubeClientIdentity {
        let setting = "acube.certificates.\"\(pem)\""
        func refused(_ what: String, _ file: String) -> AcubeError {
            AcubeError(
                kind: .notConfigured,
                message: "\(setting): cannot use \(file): \(what); notifications of \(pem) cannot be fetched until it "
                    + "is fixed")
        }
        guard FileManager.default.isReadableFile(atPath: files.certificate) else {
            throw refused("the certificate file is missing or unreadable", files.certificate)
        }
        guard FileManager.default.isReadableFile(atPath: files.privateKey) else {
            throw refused("the private key file is missing or unreadable", files.privateKey)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw refused("it holds no PEM certificate", files.certificate)
        }
        guard !chain.isEmpty else { throw refused("it holds no PEM certificate", files.certificate) }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw refused("it holds no PEM private key (or the key is encrypted)", files.privateKey)
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = chain.map { .certificate($0) }
        configuration.privateKey = .privateKey(key)
        do {
            // Building a context checks that the key belongs to the certificate (no roots: nothing else is needed).
            var check = configuration
            check.trustRoots = .certificates([])
            _ = try NIOSSLContext(configuration: check)
        } catch {
            throw refused(
                "the private key \(files.privateKey) does not belong to the certificate", files.certificate)
        }
        configuration.trustRoots = SystemTrustRoots.shared.roots
        if let caCertificate { configuration.additionalTrustRoots = [.file(caCertificate)] }
        return AcubeClientIdentity(pem: pem, tlsConfiguration: configuration)
    }
}

/// The system's trust roots, read once: each PEM's certificate makes a TLS context of its own, and loading the
/// system's CA bundle anew for each would cost time and memory per PEM. Where the bundle is not found where the TLS
/// library looks for it, the library's own default applies.
final class SystemTrustRoots: Sendable {
    static let shared = SystemTrustRoots()

    /// The same places the TLS library searches on Linux.
    static let bundlePaths = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]

    let roots: NIOSSLTrustRoots

    private init() {
        for path in Self.bundlePaths where FileManager.default.isReadableFile(atPath: path) {
            if let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty {
                roots = .certificates(certificates)
                return
            }
        }
        roots = .default
    }
}
