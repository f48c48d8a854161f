import Foundation

/// One request the A-Cube simulator received, with the status it answered, in the order answered.
public struct AcubeRequestRecord: Sendable, Hashable {
    /// The method as sent, e.g. `POST`.
    public var method: String
    /// The path without the query, not percent-decoded, e.g. `/mf1/pems/E001-000001/receipts`.
    public var path: String
    /// The query after `?`, not percent-decoded; nil without a `?`.
    public var query: String?
    /// Every header field, names lower-cased; repeated fields joined with ", ".
    public var headers: [String: String]
    /// The body as UTF-8 text; for `/login`, the JSON with its `password` replaced by `***` (or just `***` when
    /// the body is not a JSON object), so the password is never kept.
    public var body: String
    /// The status answered; nil when the connection was reset instead.
    public var status: Int?
    /// When the whole request had been read.
    public var receivedAt: Date
    /// The number of the connection it came on (1, 2, … per simulator).
    public var connection: Int

    /// A record with every field given (for tests of code that reads records).
    public init(
        method: String, path: String, query: String?, headers: [String: String], body: String, status: Int?,
        receivedAt: Date, connection: Int
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.status = status
        self.receivedAt = receivedAt
        self.connection = connection
    }

    /// The percent-decoded value of the first query parameter called `name`.
    public func queryValue(_ name: String) -> String? {
        LoopbackHTTPRequest(method: method, uri: path + (query.map { "?" + $0 } ?? "")).queryValue(name)
    }
}
