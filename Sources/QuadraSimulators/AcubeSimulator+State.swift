import Foundation
import QuadraCore

/// One member of a seeded list: a parsed JSON object, or text served verbatim when it was not one.
enum AcubeSeedMember: Sendable, Hashable {
    case object(JSONObject)
    case text(String)

    /// Parses `raw` as one JSON object; anything else is kept as its trimmed text.
    init(raw: String) {
        if let value = try? JSONParser.parse(Array(raw.utf8)), case .object(let object) = value {
            self = .object(object)
        } else {
            self = .text(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The member as served: compact JSON with the keys and number texts it was seeded with.
    var rendered: String {
        switch self {
        case .object(let object): AcubeJSON.render(.object(object))
        case .text(let text): text
        }
    }

    /// A string member of the object, e.g. a journal's `date` or `status`.
    func string(_ key: String) -> String? {
        if case .object(let object) = self { return object[key]?.stringValue }
        return nil
    }

    /// A member of the object.
    func value(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}

/// A seeded receipt and its status (A-Cube's receipts carry none in their JSON: the list filters by it).
struct AcubeSeedReceipt: Sendable, Hashable {
    var member: AcubeSeedMember
    var status: AcubeSeedReceipt.Status

    enum Status: String, Sendable, Hashable, CaseIterable {
        case ready
        case sent
    }
}

/// The lists seeded for one PEM, before they join the simulator's state.
struct AcubeSeedData: Sendable {
    var receipts: [AcubeSeedReceipt] = []
    var journals: [AcubeSeedMember] = []
    var notifications: [AcubeSeedMember] = []
    var emergencyReports: [AcubeSeedMember] = []
}

extension AcubeSimulator {
    /// Everything the simulator knows and has seen about one PEM.
    struct PEMState: Sendable {
        var receipts: [AcubeSeedReceipt] = []
        var journals: [AcubeSeedMember] = []
        var notifications: [AcubeSeedMember] = []
        /// Every report A-Cube holds, in id order.
        var reports: [HeldReport] = []
        var offlinePeriods: [PostedOfflinePeriod] = []
        /// The instants of the offline communications held (a second one at the same instant is a conflict).
        var offlineInstants: Set<Int64> = []
        var journalCloses = 0

        /// Marks every open journal closed; false when none was open.
        mutating func closeOpenJournals() -> Bool {
            var closed = false
            for index in journals.indices {
                guard case .object(var object) = journals[index], object["status"]?.stringValue == "open"
                else { continue }
                for member in object.members.indices where object.members[member].key == "status" {
                    object.members[member].value = .string("closed")
                }
                journals[index] = .object(object)
                closed = true
            }
            return closed
        }
    }

    /// The simulator's mutable state, behind one lock; a request is handled whole under it, so the switches
    /// count requests exactly.
    struct State: Sendable {
        var pems: [String: PEMState] = [:]
        /// The PEMs in the order first seeded, for lists that span PEMs.
        var pemOrder: [String] = []
        /// The last report id given (A-Cube's ids are integers, one sequence for every PEM).
        var lastReportId = 1000

        /// Issued tokens and their serial numbers (1, 2, …).
        var tokens: [String: Int] = [:]
        var tokensIssued = 0
        /// Tokens numbered below this have expired.
        var firstValidToken = 1
        var logins = 0

        var requests: [AcubeRequestRecord] = []

        // The fault switches: each counts down as it fires.
        var tokenCallsBeforeExpiry: Int?
        var refuseTokens = false
        var unavailable: (times: Int, retryAfterSeconds: Int) = (0, 0)
        var tooManyRequests = 0
        var latencyMilliseconds = 0
        var rejections: (times: Int, violations: [AcubeViolation]) = (0, [])
        var drops = 0
        var failsAfterCommit: (times: Int, status: Int) = (0, 502)
        var failsBeforeCommit: (times: Int, status: Int) = (0, 503)
        /// Uploads held this long before they are looked at; a held upload whose client goes away is never stored.
        var holds: (times: Int, milliseconds: Int) = (0, 0)
        /// Uploads currently held.
        var uploadsHeld = 0
        var refusals: (times: Int, status: Int, detail: String) = (0, 409, "")

        /// The next free report id.
        mutating func nextReportId() -> Int {
            lastReportId += 1
            return lastReportId
        }

        mutating func add(_ data: AcubeSeedData, for pem: String, now: Date) {
            if pems[pem] == nil {
                pems[pem] = PEMState()
                pemOrder.append(pem)
            }
            pems[pem]?.receipts += data.receipts
            pems[pem]?.journals += data.journals
            pems[pem]?.notifications += data.notifications
            for member in data.emergencyReports {
                let given: Int? =
                    switch member.value("id") {
                    case .number(let text)?: Int(text)
                    default: nil
                    }
                let taken = Set(pems.values.flatMap { $0.reports.map(\.id) })
                let id: Int
                if let given, given > 0, !taken.contains(given) {
                    id = given
                    lastReportId = max(lastReportId, given)
                } else {
                    id = nextReportId()
                }
                let closedAt = member.string("closed_at") ?? Instant(date: now).utcString
                pems[pem]?.reports.append(HeldReport(id: id, closedAt: closedAt, posted: nil))
            }
            pems[pem]?.reports.sort { $0.id < $1.id }
        }

        /// Makes a new token; the tokens issued before it stay valid until they expire.
        mutating func issueToken(email: String, now: Date) -> String {
            tokensIssued += 1
            let token = AcubeToken.make(email: email, serial: tokensIssued, now: now)
            tokens[token] = tokensIssued
            return token
        }

        /// Whether `token` is one the simulator issued and has not expired.
        func isValid(_ token: String) -> Bool {
            guard let serial = tokens[token] else { return false }
            return serial >= firstValidToken
        }
    }
}
