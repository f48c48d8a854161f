import AsyncHTTPClient
import QuadraCore
import QuadraServices

/// An A-Cube client and the HTTP client under it, made from the configuration: the commands' one way to reach A-Cube.
/// Shut it down when done.
struct AcubeConnection {
    let client: AcubeClient
    private let http: HTTPClient
    private let mutualTLSHTTP: HTTPClient

    /// A connection for `settings`; a CA file that cannot be read is a usage failure (exit 2).
    init(settings: Configuration.AcubeSettings, credentials: AcubeCredentials) throws {
        do {
            http = try AcubeClient.makeHTTPClient(settings: settings)
            mutualTLSHTTP = try AcubeClient.makeHTTPClient(settings: settings, mutualTLS: true)
        } catch {
            throw UsageFailure(message: error.message)
        }
        client = AcubeClient(
            http: http, mutualTLSHTTP: mutualTLSHTTP, settings: settings, credentials: credentials)
    }

    /// Closes the connections; errors closing them are of no use to anyone.
    func shutdown() async {
        try? await http.shutdown()
        try? await mutualTLSHTTP.shutdown()
    }

    /// Opens (or creates) the state store at `path`; a failure is a usage failure naming `--state`.
    static func openStore(_ path: String) throws -> StateStore {
        do {
            return try StateStore(path: path)
        } catch {
            throw UsageFailure(message: "--state: \(error)")
        }
    }

    /// A submission engine on this connection with the settings' bounds.
    func engine(store: StateStore, timeZone: FiscalTimeZone) -> SubmissionEngine {
        var engine = SubmissionEngine(client: client, store: store, timeZone: timeZone, now: { NightPipeline.now() })
        engine.resendAfter = .seconds(client.settings.requestTimeoutSeconds)
        engine.concurrency = Int(clamping: client.settings.concurrency)
        return engine
    }
}
