import Foundation
import NIOHTTP1
import QuadraCore

/// The bodies the A-Cube simulator answers with, written by hand so key order is fixed (apis.md, A-Cube part).
enum AcubeResponseBody {
    /// A JSON answer.
    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> LoopbackHTTPAction {
        .respond(.json(status, body, headers: headers))
    }

    /// An RFC 7807 problem, the shape MF1 and MF2 share for errors other than 422:
    /// `{"type":"about:blank","title","status","detail","instance"}`.
    static func problem(
        _ status: Int, _ detail: String, instance: String, headers: [String: String] = [:]
    ) -> LoopbackHTTPAction {
        json(
            status,
            AcubeJSON.object([
                ("type", AcubeJSON.string("about:blank")), ("title", AcubeJSON.string(title(status))),
                ("status", String(status)), ("detail", AcubeJSON.string(detail)),
                ("instance", AcubeJSON.string(instance)),
            ]), headers: headers)
    }

    /// MF1's 422: `{"detail":[{"loc":["body",…],"msg","type"}]}`.
    static func mf1Invalid(_ violations: [AcubeViolation]) -> LoopbackHTTPAction {
        let items = violations.map { violation in
            AcubeJSON.object([
                ("loc", violation.loc), ("msg", AcubeJSON.string(violation.message)),
                ("type", AcubeJSON.string(violation.type)),
            ])
        }
        return json(422, AcubeJSON.object([("detail", AcubeJSON.array(items))]))
    }

    /// MF2's 422 (RFC 7807 with violations):
    /// `{"type","title","status":422,"detail","violations":[{"propertyPath","message"}]}`.
    static func mf2Invalid(_ violations: [AcubeViolation], instance: String) -> LoopbackHTTPAction {
        let items = violations.map { violation in
            AcubeJSON.object([
                ("propertyPath", AcubeJSON.string(violation.propertyPath)),
                ("message", AcubeJSON.string(violation.message)),
            ])
        }
        let detail = violations.map { $0.propertyPath + ": " + $0.message }.joined(separator: "\n")
        return json(
            422,
            AcubeJSON.object([
                ("type", AcubeJSON.string("about:blank")), ("title", AcubeJSON.string(title(422))),
                ("status", "422"), ("detail", AcubeJSON.string(detail)), ("instance", AcubeJSON.string(instance)),
                ("violations", AcubeJSON.array(items)),
            ]))
    }

    /// The login service's own error shape: `{"code":401,"message":"Invalid credentials."}`.
    static func loginError(_ status: Int, _ message: String) -> LoopbackHTTPAction {
        json(status, AcubeJSON.object([("code", String(status)), ("message", AcubeJSON.string(message))]))
    }

    /// A list page: `{"members":[…],"total","page","size"}`, with `"pages"` when asked (notifications).
    static func page(_ members: [String], _ request: AcubePageRequest, withPages: Bool) -> LoopbackHTTPAction {
        let skipped = (request.page - 1).multipliedReportingOverflow(by: request.size)
        let start = skipped.overflow ? members.count : min(members.count, skipped.partialValue)
        let end = min(members.count, start + request.size)
        var fields = [
            ("members", AcubeJSON.array(Array(members[start..<end]))), ("total", String(members.count)),
            ("page", String(request.page)), ("size", String(request.size)),
        ]
        if withPages {
            fields.append(("pages", String(max(1, (members.count + request.size - 1) / request.size))))
        }
        return json(200, AcubeJSON.object(fields))
    }

    /// The reason phrase of `status`, e.g. `Unprocessable Entity`.
    static func title(_ status: Int) -> String {
        HTTPResponseStatus(statusCode: status).reasonPhrase
    }
}

/// The `page` and `size` query parameters of a list, checked: 1-based page, size 30 unless told, at most 100.
struct AcubePageRequest: Sendable, Hashable {
    static let defaultSize = 30
    static let maximumSize = 100

    var page: Int
    var size: Int

    /// Reads `page` and `size`; a value that is not a positive integer gives the message for a 400.
    static func read(_ request: LoopbackHTTPRequest) -> Result<AcubePageRequest, AcubePageRequestError> {
        var page = 1
        var size = defaultSize
        if let text = request.queryValue("page") {
            guard let value = Int(text), value >= 1 else {
                return .failure(AcubePageRequestError(message: "page must be a positive integer, found \"\(text)\""))
            }
            page = value
        }
        if let text = request.queryValue("size") {
            guard let value = Int(text), value >= 1 else {
                return .failure(AcubePageRequestError(message: "size must be a positive integer, found \"\(text)\""))
            }
            size = min(value, maximumSize)
        }
        return .success(AcubePageRequest(page: page, size: size))
    }
}

/// Why the paging parameters of a list cannot be used.
struct AcubePageRequestError: Error, Sendable {
    var message: String
}
