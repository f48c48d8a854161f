import AsyncHTTPClient
import QuadraCore
import QuadraPipeline
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

    /// Opens (or creates) the state store at `path` for this run alone, waiting up to `wait` for another run's lock;
    /// a failure is a usage failure naming `--state` (exit 2).
    static func openStore(_ path: String, wait: Duration = .zero) throws -> StateStore {
        do {
            guard let store = try StateStore.exclusive(path: path, wait: wait) else {
                throw UsageFailure(message: "--state: \(path): no such state store")
            }
            return store
        } catch let failure as UsageFailure {
            throw failure
        } catch {
            throw UsageFailure(message: "--state: \(error)")
        }
    }

    /// A submission engine on this connection with the settings' bounds.
    func engine(store: StateStore, timeZone: FiscalTimeZone) -> SubmissionEngine {
        var engine = SubmissionEngine(client: client, store: store, timeZone: timeZone, now: { RunClock.now() })
        engine.resendAfter = .seconds(client.settings.requestTimeoutSeconds)
        engine.concurrency = Int(clamping: client.settings.concurrency)
        return engine
    }
}
