import Foundation

/// One complete HTTP/1.1 request as `LoopbackHTTPServer` hands it to its handler.
public struct LoopbackHTTPRequest: Sendable {
    /// The method as sent, e.g. `GET`.
    public var method: String
    /// The request target as sent, e.g. `/v1/purchase?posRefId=a%2Fb`.
    public var uri: String
    /// The part of `uri` before `?`, not percent-decoded.
    public var path: String
    /// The part of `uri` after `?`, not percent-decoded; nil without a `?`.
    public var query: String?
    /// The header fields in the order received, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var receivedAt: Date
    /// Numbers the connections the server accepted, from 1; requests on one keep-alive connection share it.
    public var connection: Int
    /// Whether it came over TLS.
    public var isTLS = false
    /// The subject common name of the client certificate the TLS handshake verified (mutual TLS); nil without one.
    public var clientCommonName: String?

    public init(
        method: String, uri: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        receivedAt: Date = Date(), connection: Int = 0
    ) {
        self.method = method
        self.uri = uri
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            query = String(uri[uri.index(after: mark)...])
        } else {
            path = uri
            query = nil
        }
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
        self.connection = connection
    }

    /// The first value of a header field, its name compared without regard to case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The percent-decoded value of the first query parameter called `name` (RFC 3986 decoding: `+` stays `+`);
    /// nil when it is absent or its percent-encoding is malformed.
    public func queryValue(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0].removingPercentEncoding == name else { continue }
            return parts.count == 2 ? parts[1].removingPercentEncoding : ""
        }
        return nil
    }
}

/// A whole HTTP response. `Content-Length` is always set by the server from `body`.
public struct LoopbackHTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Extra header fields; `Content-Length` and `Connection` are managed by the server.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with `Content-Type: application/json`.
    public static func json(_ status: Int = 200, _ body: String, headers: [String: String] = [:]) -> Self {
        var all = headers
        all["Content-Type"] = "application/json"
        return Self(status: status, headers: all, body: Array(body.utf8))
    }
}

/// What the server does with a request once its handler has decided.
public enum LoopbackHTTPAction: Sendable, Hashable {
    /// Send the whole response; the connection stays open if the client asked for keep-alive.
    case respond(LoopbackHTTPResponse)
    /// Send the status line, the headers (with the full `Content-Length`) and the first half of the body, then
    /// close the connection normally (FIN): the client sees a response cut short.
    case truncate(LoopbackHTTPResponse)
    /// Reset the connection (`SO_LINGER` 0, then close: the peer gets RST) before any response byte.
    case reset
    /// Send the status line and the headers at once, then the body one byte every `milliseconds`, then close: a
    /// peer that is alive but never done (an idle timeout never fires; only a whole-request deadline stops it).
    case trickle(LoopbackHTTPResponse, milliseconds: Int)
}

/// Thrown by `LoopbackHTTPServer` when it cannot do what it is asked.
public struct LoopbackHTTPServerError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
