import Foundation

/// A Spice script file that cannot be used, with a message an operator can act on.
public struct SpiceScriptError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

extension SpiceSimulator {
    /// Reads a script for `quadra simulate spice --script FILE`: a JSON object from posRefId to behaviour.
    ///
    /// Each behaviour is an object with one key, the case name, holding its fields; fields with a default may be
    /// left out, and `notFound` / `notFound404` may be written as bare strings:
    ///
    /// ```json
    /// {
    ///   "T1-S-1001-1": {"approved": {"amountCents": 1250}},
    ///   "T1-S-1002-1": {"approved": {"amountCents": 800, "userOverride": true, "stringly": true}},
    ///   "T1-S-1003-1": {"inProgress": {"polls": 3, "then": {"declined": {"amountCents": 900}}}},
    ///   "T1-S-1004-1": {"declined": {"amountCents": 500, "hostResponseText": "INSUFFICIENT FUNDS"}},
    ///   "T1-S-1005-1": {"inProgress": {"polls": 1, "errorReason": "TRANSACTION_IN_PROGRESS_AWAITING_SIGNATURE",
    ///                                  "then": {"signatureRequired": {"polls": 2, "then": "notFound"}}}},
    ///   "T2-S-2001-1": {"reset": {"times": 1, "then": {"truncated": {"times": 1,
    ///                             "then": {"approved": {"amountCents": 2000}}}}}},
    ///   "T2-S-2002-1": {"serverError": {"times": 2, "status": 503, "then": {"noResult": {"polls": 1,
    ///                                   "then": "notFound404"}}}},
    ///   "T2-S-2003-1": {"slow": {"milliseconds": 1500, "then": {"approved": {"amountCents": 100}}}}
    /// }
    /// ```
    ///
    /// Cases and fields (defaults in brackets): `approved` amountCents, userOverride [false], stringly [false];
    /// `declined` amountCents, hostResponseText ["DECLINED"]; `inProgress` polls, errorReason
    /// ["TRANSACTION_IN_PROGRESS"], then; `signatureRequired` polls, then; `noResult` polls, then; `reset` times,
    /// then; `truncated` times, then; `serverError` times, status [500], then; `slow` milliseconds, then;
    /// `notFound`; `notFound404`. Unknown cases and fields are refused, so a typo does not go unnoticed.
    public static func loadScript(from url: URL) throws -> [String: Behavior] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SpiceScriptError(path: url.path, message: "cannot read the script: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode([String: Behavior].self, from: data)
        } catch let error as DecodingError {
            throw SpiceScriptError(path: url.path, message: Behavior.explain(error))
        } catch {
            throw SpiceScriptError(path: url.path, message: "not a Spice script: \(error)")
        }
    }
}

extension SpiceSimulator.Behavior: Codable {
    struct Key: CodingKey, Hashable {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Each case's fields, in the order they are written.
    static let fields: [String: [String]] = [
        "approved": ["amountCents", "userOverride", "stringly"],
        "declined": ["amountCents", "hostResponseText"],
        "inProgress": ["polls", "errorReason", "then"],
        "signatureRequired": ["polls", "then"],
        "noResult": ["polls", "then"],
        "reset": ["times", "then"],
        "truncated": ["times", "then"],
        "serverError": ["times", "status", "then"],
        "slow": ["milliseconds", "then"],
        "notFound": [],
        "notFound404": [],
    ]

    static let caseNames = [
        "approved", "declined", "inProgress", "signatureRequired", "noResult", "reset", "truncated", "serverError",
        "slow", "notFound", "notFound404",
    ]

    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            switch name {
            case "notFound": self = .notFound
            case "notFound404": self = .notFound404
            default:
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "expected a behaviour, found the string \"\(name)\" (only \"notFound\" "
                            + "and \"notFound404\" may be bare strings)"))
            }
            return
        }
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            let found = container.allKeys.map { "\"\($0.stringValue)\"" }.sorted().joined(separator: ", ")
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected an object with one key naming the behaviour, found "
                        + (found.isEmpty ? "no key" : "keys \(found)")))
        }
        guard let allowed = Self.fields[key.stringValue] else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "unknown behaviour \"\(key.stringValue)\": expected one of "
                    + Self.caseNames.joined(separator: ", "))
        }
        let fields = try container.nestedContainer(keyedBy: Key.self, forKey: key)
        if let unknown = fields.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw DecodingError.dataCorruptedError(
                forKey: Key(unknown), in: fields,
                debugDescription: "unknown field \"\(unknown)\" in \(key.stringValue): expected "
                    + (allowed.isEmpty ? "no fields" : allowed.joined(separator: ", ")))
        }
        func count(_ name: String) throws -> Int {
            let value = try fields.decode(Int.self, forKey: Key(name))
            guard value >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: Key(name), in: fields, debugDescription: "expected a count of 0 or more, found \(value)")
            }
            return value
        }
        func then() throws -> Self { try fields.decode(Self.self, forKey: Key("then")) }
        switch key.stringValue {
        case "approved":
            self = .approved(
                amountCents: try count("amountCents"),
                userOverride: try fields.decodeIfPresent(Bool.self, forKey: Key("userOverride")) ?? false,
                stringly: try fields.decodeIfPresent(Bool.self, forKey: Key("stringly")) ?? false)
        case "declined":
            self = .declined(
                amountCents: try count("amountCents"),
                hostResponseText: try fields.decodeIfPresent(String.self, forKey: Key("hostResponseText"))
                    ?? "DECLINED")
        case "inProgress":
            self = .inProgress(
                polls: try count("polls"),
                errorReason: try fields.decodeIfPresent(String.self, forKey: Key("errorReason"))
                    ?? "TRANSACTION_IN_PROGRESS",
                then: try then())
        case "signatureRequired": self = .signatureRequired(polls: try count("polls"), then: try then())
        case "noResult": self = .noResult(polls: try count("polls"), then: try then())
        case "reset": self = .reset(times: try count("times"), then: try then())
        case "truncated": self = .truncated(times: try count("times"), then: try then())
        case "serverError":
            let status = try fields.decodeIfPresent(Int.self, forKey: Key("status")) ?? 500
            guard (100...599).contains(status) else {
                throw DecodingError.dataCorruptedError(
                    forKey: Key("status"), in: fields,
                    debugDescription: "expected an HTTP status from 100 to 599, found \(status)")
            }
            self = .serverError(times: try count("times"), status: status, then: try then())
        case "slow": self = .slow(milliseconds: try count("milliseconds"), then: try then())
        case "notFound": self = .notFound
        default: self = .notFound404
        }
    }

    /// The shortest form: fields at their defaults are left out, `notFound` and `notFound404` are bare strings.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .notFound:
            var container = encoder.singleValueContainer()
            try container.encode("notFound")
            return
        case .notFound404:
            var container = encoder.singleValueContainer()
            try container.encode("notFound404")
            return
        default:
            break
        }
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .approved(let amount, let userOverride, let stringly):
            var fields = container.nestedContainer(keyedBy: Key.self, forKey: Key("approved"))
            try fields.encode(amount, forKey: Key("amountCents"))
            if userOverride { try fields.encode(true, forKey: Key("userOverride")) }
            if stringly { try fields.encode(true, forKey: Key("stringly")) }
        case .declined(let amount, let text):
            var fields = container.nestedContainer(keyedBy: Key.self, forKey: Key("declined"))
            try fields.encode(amount, forKey: Key("amountCents"))
            if text != "DECLINED" { try fields.encode(text, forKey: Key("hostResponseText")) }
        case .inProgress(let polls, let reason, let then):
            var fields = container.nestedContainer(keyedBy: Key.self, forKey: Key("inProgress"))
            try fields.encode(polls, forKey: Key("polls"))
            if reason != "TRANSACTION_IN_PROGRESS" { try fields.encode(reason, forKey: Key("errorReason")) }
            try fields.encode(then, forKey: Key("then"))
        case .signatureRequired(let polls, let then):
            try Self.encode("signatureRequired", ("polls", polls), then: then, into: &container)
        case .noResult(let polls, let then):
            try Self.encode("noResult", ("polls", polls), then: then, into: &container)
        case .reset(let times, let then):
            try Self.encode("reset", ("times", times), then: then, into: &container)
        case .truncated(let times, let then):
            try Self.encode("truncated", ("times", times), then: then, into: &container)
        case .serverError(let times, let status, let then):
            var fields = container.nestedContainer(keyedBy: Key.self, forKey: Key("serverError"))
            try fields.encode(times, forKey: Key("times"))
            if status != 500 { try fields.encode(status, forKey: Key("status")) }
            try fields.encode(then, forKey: Key("then"))
        case .slow(let milliseconds, let then):
            try Self.encode("slow", ("milliseconds", milliseconds), then: then, into: &container)
        case .notFound, .notFound404:
            break
        }
    }

    private static func encode(
        _ name: String, _ count: (String, Int), then: Self, into container: inout KeyedEncodingContainer<Key>
    ) throws {
        var fields = container.nestedContainer(keyedBy: Key.self, forKey: Key(name))
        try fields.encode(count.1, forKey: Key(count.0))
        try fields.encode(then, forKey: Key("then"))
    }

    /// A decoding error as `at "posRefId".case.field: what is wrong`.
    static func explain(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "at the top level" }
            return "at \"\(first.stringValue)\"" + path.dropFirst().map { "." + $0.stringValue }.joined()
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let cause = context.underlyingError.map { ": \($0)" } ?? ""
            return "not a Spice script: expected a JSON object from posRefId to behaviour\(cause)"
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)): the field \"\(key.stringValue)\" is missing"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return "not a Spice script: expected a JSON object from posRefId to behaviour"
            }
            return "\(place(context.codingPath)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): expected \(Self.typeName(type)), found null"
        @unknown default:
            return "not a Spice script: \(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "a behaviour object such as {\"approved\":{\"amountCents\":1250}}"
        }
    }
}
