import Foundation
import QuadraCore

/// The bodies the Spice simulator answers with, written by hand so key order is fixed (apis.md, Spice part).
enum SpiceResponseBody {
    /// `GET /v1/ping`.
    static let ping = #"{"version":"sim","status":"PairedConnected","flow":"Idle","pong":true}"#

    /// An unknown key in every `Response`, which Quadra must keep in the raw JSON it stores.
    static let extra = #"{"simulator":"quadra","note":"unknown key kept in the raw response"}"#

    /// The action for a recovery step about `posRefId`, of the attempt kind the path named.
    static func action(
        for step: SpiceSimulator.Step, posRefId: String, kind: AttemptKind, bankTime: Date
    ) -> LoopbackHTTPAction {
        switch step {
        case .reset:
            return .reset
        case .truncated(let body):
            switch action(for: body, posRefId: posRefId, kind: kind, bankTime: bankTime) {
            case .respond(let response), .truncate(let response), .trickle(let response, _): return .truncate(response)
            case .reset: return .reset
            }
        case .serverError(let status):
            return .respond(.json(status, #"{"error":"simulated Spice failure"}"#))
        case .notFound404:
            return .respond(.json(404, #"{"error":"POS_REF_ID_NOT_FOUND"}"#))
        case .signatureRequired:
            let receipt = JSONText.quoted("QUADRA SIM\n\(kind.rawValue.uppercased())\nPLEASE SIGN\n")
            return .respond(.json(200, #"{"signatureRequired":{"receiptToSign":"# + receipt + "}}"))
        case .noResult:
            return .respond(.json(200, response([("pos_ref_id", JSONText.quoted(posRefId))])))
        case .inProgress(let reason):
            return .respond(
                .json(
                    200,
                    response([
                        ("pos_ref_id", JSONText.quoted(posRefId)), ("success", "false"),
                        ("error_reason", JSONText.quoted(reason)),
                        ("error_detail", JSONText.quoted("The terminal is still processing this transaction")),
                        ("sim_extra", extra),
                    ])))
        case .notFound:
            return .respond(
                .json(
                    200,
                    response([
                        ("pos_ref_id", JSONText.quoted(posRefId)), ("success", "false"),
                        ("host_response_code", #""""#), ("host_response_text", #""""#),
                        ("error_reason", #""POS_REF_ID_NOT_FOUND""#),
                        ("error_detail", JSONText.quoted("No transaction with this posRefId")),
                        ("sim_extra", extra),
                    ])))
        case .approved(let amount, let userOverride, let stringly):
            let outcome = Outcome(
                success: true, hostCode: "000", hostText: "APPROVED", amountCents: amount,
                userOverride: userOverride, stringly: stringly)
            return .respond(.json(200, finalBody(outcome, posRefId: posRefId, kind: kind, bankTime: bankTime)))
        case .declined(let amount, let text):
            let outcome = Outcome(
                success: false, hostCode: "05", hostText: text, amountCents: amount, userOverride: false,
                stringly: false)
            return .respond(.json(200, finalBody(outcome, posRefId: posRefId, kind: kind, bankTime: bankTime)))
        }
    }

    struct Outcome {
        var success: Bool
        var hostCode: String
        var hostText: String
        var amountCents: Int
        var userOverride: Bool
        var stringly: Bool
    }

    /// An approved or declined `Response` with every key apis.md lists; no receipts when overridden by hand.
    static func finalBody(_ outcome: Outcome, posRefId: String, kind: AttemptKind, bankTime: Date) -> String {
        let flag = { (value: Bool) in outcome.stringly ? JSONText.quoted(String(value)) : String(value) }
        let amount = outcome.stringly ? JSONText.quoted(String(outcome.amountCents)) : String(outcome.amountCents)
        let hash = fnv1a(posRefId)
        let (date, time) = bankDateAndTime(bankTime)
        let euros = Money(cents: Int64(outcome.amountCents)).description
        let receipt = "QUADRA SIM\n\(transactionType(kind))\nEUR \(euros)\n\(outcome.hostText)\nREF \(posRefId)\n"
        var members: [(String, String)] = [
            ("pos_ref_id", JSONText.quoted(posRefId)), ("success", flag(outcome.success)),
            ("host_response_code", JSONText.quoted(outcome.hostCode)),
            ("host_response_text", JSONText.quoted(outcome.hostText)), ("error_reason", #""""#),
            ("error_detail", #""""#), (amountKey(kind), amount),
            ("bank_date", JSONText.quoted(date)), ("bank_time", JSONText.quoted(time)),
            ("rrn", JSONText.quoted(digits(hash, count: 12))),
            ("auth_code", JSONText.quoted(outcome.success ? digits(hash >> 20, count: 6) : "")),
            ("scheme_name", #""VISA""#),
            ("masked_pan", JSONText.quoted("XXXXXXXXXXXX" + digits(hash >> 40, count: 4))),
        ]
        if !outcome.userOverride {
            members.append(("customer_receipt", JSONText.quoted("CUSTOMER COPY\n" + receipt)))
            members.append(("merchant_receipt", JSONText.quoted("MERCHANT COPY\n" + receipt)))
        }
        members.append(("transaction_type", JSONText.quoted(transactionType(kind))))
        members.append(("user_override", flag(outcome.userOverride)))
        members.append(("sim_extra", extra))
        return response(members)
    }

    static func response(_ members: [(String, String)]) -> String {
        #"{"Response":{"# + members.map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}}"
    }

    /// The key of the charged amount: `purchase_amount`, `refund_amount` or `cash_amount` by the path's kind.
    static func amountKey(_ kind: AttemptKind) -> String {
        switch kind {
        case .purchase, .moto: "purchase_amount"
        case .refund: "refund_amount"
        case .cashout: "cash_amount"
        }
    }

    static func transactionType(_ kind: AttemptKind) -> String {
        kind.rawValue.uppercased()
    }

    /// `bank_date` (ddMMyyyy) and `bank_time` (HHmmss) in UTC.
    static func bankDateAndTime(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { pad(value ?? 0, count: 2) }
        return (
            two(parts.day) + two(parts.month) + pad(parts.year ?? 1970, count: 4),
            two(parts.hour) + two(parts.minute) + two(parts.second)
        )
    }

    static func pad(_ value: Int, count: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }

    /// `count` decimal digits taken from `value`, so the same posRefId always gets the same rrn and card.
    static func digits(_ value: UInt64, count: Int) -> String {
        var modulus: UInt64 = 1
        for _ in 0..<count { modulus *= 10 }
        return pad(Int(value % modulus), count: count)
    }

    /// FNV-1a, 64 bits: stable across runs, unlike `Hasher`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
