import Foundation

/// One request the Spice simulator received, whatever its method or path, in the order requests arrived.
public struct SpiceRequestRecord: Sendable, Hashable {
    /// The method as sent, e.g. `GET` (Quadra must never send anything else).
    public var method: String
    /// The path without the query, e.g. `/v1/purchase`.
    public var path: String
    /// The percent-decoded `posRefId` query parameter, if any.
    public var posRefId: String?
    /// The `POS-Name` header, if any.
    public var posName: String?
    /// The `POS-Version` header, if any.
    public var posVersion: String?
    /// Every header field, names lower-cased; repeated fields joined with ", ".
    public var headers: [String: String]
    public var receivedAt: Date
    /// The number of the connection it came on (1, 2, … per simulator), to see keep-alive at work.
    public var connection: Int

    public init(
        method: String, path: String, posRefId: String?, posName: String?, posVersion: String?,
        headers: [String: String], receivedAt: Date, connection: Int
    ) {
        self.method = method
        self.path = path
        self.posRefId = posRefId
        self.posName = posName
        self.posVersion = posVersion
        self.headers = headers
        self.receivedAt = receivedAt
        self.connection = connection
    }

    init(_ request: LoopbackHTTPRequest) {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.lowercased()
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        self.init(
            method: request.method, path: request.path, posRefId: request.queryValue("posRefId"),
            posName: request.header("POS-Name"), posVersion: request.header("POS-Version"), headers: headers,
            receivedAt: request.receivedAt, connection: request.connection)
    }
}
