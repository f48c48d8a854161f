import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QuadraCore

/// The real Spice client: `GET /v1/{kind}?posRefId=` with the `POS-Name` and `POS-Version` headers.
public final class SpiceHTTPClient: SpiceRecovering {
    private let http: HTTPClient
    private let posName: String
    private let posVersion: String
    private let timeout: TimeAmount

    public init(http: HTTPClient, posName: String, posVersion: String, requestTimeoutSeconds: Int64) {
        self.http = http
        self.posName = posName
        self.posVersion = posVersion
        self.timeout = .seconds(requestTimeoutSeconds)
    }

    /// The HTTP client Spice calls need: no redirect is followed, so an answer always comes from the terminal's own
    /// Spice (a redirect to another origin could hand Quadra someone else's "approved"). Shut it down when done.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Characters left as they are in a query value; everything else is percent-encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The recovery URL of an attempt.
    public static func recoveryURL(baseURL: String, kind: AttemptKind, posRefId: String) -> String {
        let encoded = posRefId.addingPercentEncoding(withAllowedCharacters: unreserved) ?? posRefId
        return baseURL + "/v1/" + kind.rawValue + "?posRefId=" + encoded
    }

    public func ask(baseURL: String, kind: AttemptKind, posRefId: String) async -> SpiceExchange {
        var request = HTTPClientRequest(url: Self.recoveryURL(baseURL: baseURL, kind: kind, posRefId: posRefId))
        request.method = .GET
        request.headers.add(name: "POS-Name", value: posName)
        request.headers.add(name: "POS-Version", value: posVersion)
        request.headers.add(name: "Accept", value: "application/json")
        let http = self.http
        let timeout = self.timeout
        let sending = request
        do {
            // The timeout bounds the whole exchange, head and body: a Spice that trickles its answer is cut off.
            let (status, bytes) = try await WholeRequestDeadline.run(timeout) {
                let response = try await http.execute(sending, timeout: timeout)
                let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
                return (Int(response.status.code), Array(body.readableBytesView))
            }
            let answer = SpiceResponseClassifier.classify(status: status, body: bytes, kind: kind)
            return SpiceExchange(answer: answer, rawBody: String(decoding: bytes, as: UTF8.self))
        } catch {
            return SpiceExchange(answer: .retry(reason: Self.describe(error)), rawBody: nil, connectionFailed: true)
        }
    }

    /// The largest answer read from Spice.
    static let maximumBodyBytes = 4 << 20

    /// A short operator-facing description of a transport failure.
    static func describe(_ error: any Error) -> String {
        if error is NIOTooManyBytesError { return "the answer was larger than \(maximumBodyBytes >> 20) MiB" }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "connection timed out"
            case .readTimeout, .deadlineExceeded: return "request timed out"
            case .remoteConnectionClosed: return "connection closed before a whole response (Spice crashed?)"
            default: break
            }
        }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return "connection refused (Spice is not running?)"
        }
        if text.contains("reset") || text.contains("ECONNRESET") || text.contains("errno: 104") {
            return "connection reset (Spice crashed?)"
        }
        if text.contains("imeout") || text.contains("deadline") { return "request timed out" }
        return "connection failed: \(text)"
    }
}
