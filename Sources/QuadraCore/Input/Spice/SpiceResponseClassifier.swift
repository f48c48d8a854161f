import Foundation

/// Turns an HTTP answer from Spice's recovery endpoint into a `SpiceAnswer`. Every "decided" behaviour of
/// apis.md lives here, so it changes in one place.
public enum SpiceResponseClassifier {
    /// `error_reason` values that mean the attempt is still running.
    public static let runningReasons: Set<String> = [
        "TRANSACTION_IN_PROGRESS", "TRANSACTION_IN_PROGRESS_AWAITING_SIGNATURE",
        "TRANSACTION_IN_PROGRESS_AWAITING_PHONE_AUTH_CODE", "OPERATION_IN_PROGRESS",
    ]

    public static func classify(status: Int, body: [UInt8], kind: AttemptKind) -> SpiceAnswer {
        switch status {
        case 200:
            break
        case 404:
            return .notFound(reason: "Spice answered 404 Not Found")
        case 500...599:
            return .retry(reason: "Spice answered HTTP \(status)")
        default:
            // decided: any other status is no answer; Quadra asks again until the deadline.
            return .retry(reason: "Spice answered HTTP \(status)")
        }
        guard let root = try? JSONParser.parse(body), case .object(let object) = root else {
            return .retry(reason: "Spice answered 200 with a body that is not a JSON object")
        }
        if object["Response"] == nil, object["signatureRequired"] != nil {
            return .running(reason: "the terminal is waiting for the customer's signature")
        }
        let response = object["Response"]?.objectValue ?? object
        let errorReason = response["error_reason"]?.stringValue ?? ""
        if runningReasons.contains(errorReason) {
            return .running(reason: "Spice reports \(errorReason)")
        }
        if errorReason == "POS_REF_ID_NOT_FOUND" {
            return .notFound(reason: "Spice reports POS_REF_ID_NOT_FOUND")
        }
        guard let success = flag(response["success"]) else {
            return .running(reason: "Spice's response has no result yet")
        }
        let recovered = RecoveredResponse(
            amount: cents(response[amountKey(kind)]), userOverride: flag(response["user_override"]) ?? false,
            hostResponseText: response["host_response_text"]?.stringValue)
        return success ? .approved(recovered) : .declined(recovered)
    }

    /// The response key that holds the charged amount for each kind of attempt.
    static func amountKey(_ kind: AttemptKind) -> String {
        switch kind {
        case .purchase, .moto: "purchase_amount"
        case .refund: "refund_amount"
        case .cashout: "cash_amount"
        }
    }

    /// A flag as a boolean or as `"true"`/`"false"`.
    static func flag(_ value: JSONValue?) -> Bool? {
        switch value {
        case .bool(let flag)?: flag
        case .string(let text)?: text.lowercased() == "true" ? true : text.lowercased() == "false" ? false : nil
        default: nil
        }
    }

    /// Integer cents as a number or a numeric string.
    static func cents(_ value: JSONValue?) -> Money? {
        switch value {
        case .number(let text)?: bounded(Int64(text))
        case .string(let text)?: bounded(Int64(text.trimmingCharacters(in: .whitespaces)))
        default: nil
        }
    }

    /// Cents within what Quadra reads from any input (`Money.largestInput`), or nil.
    private static func bounded(_ cents: Int64?) -> Money? {
        guard let cents, cents.magnitude <= Money.largestInput.cents.magnitude else { return nil }
        return Money(cents: cents)
    }
}
