import Foundation
import QuadraCore

/// The simulator's own checks of the bodies it accepts, beyond A-Cube's schemas (which it checks first): what a
/// fiscal report needs to make sense (apis.md: EmergencyReportInput and the offline communication).
enum AcubeBodyValidator {
    /// The amounts every emergency report must carry.
    static let reportAmountKeys = [
        "cash_payment_amount", "electronic_payment_amount", "ticket_restaurant_payment_amount",
    ]

    /// The entry totals that may be left out or null, and are decimal strings otherwise.
    static let optionalEntryAmounts = [
        "total_returned_amount", "total_voided_amount", "total_prepaid_or_voucher_amount",
        "total_uncollected_services", "total_uncollected_invoiced", "total_uncollected_dcr_to_ssn",
        "total_uncollected_complimentary",
    ]

    /// The violations of an emergency report body; empty when it is valid.
    static func emergencyReport(_ body: JSONObject) -> [AcubeViolation] {
        var violations: [AcubeViolation] = []
        datetime(body, "datetime", at: [], into: &violations)
        count(body, "documents_count", nullable: false, at: [], into: &violations)
        for key in reportAmountKeys {
            amount(body, key, nullable: false, at: [], into: &violations)
        }
        count(body, "ticket_restaurant_quantity", nullable: false, at: [], into: &violations)
        guard let value = body["entries"] else {
            violations.append(missing("entries", at: []))
            return violations
        }
        guard case .array(let entries) = value else {
            violations.append(
                AcubeViolation(
                    path: [.key("entries")], message: "expected an array, found \(value.typeDescription)",
                    type: "list_type"))
            return violations
        }
        guard !entries.isEmpty else {
            violations.append(
                AcubeViolation(
                    path: [.key("entries")], message: "This collection should contain 1 element or more.",
                    type: "too_short"))
            return violations
        }
        for (index, item) in entries.enumerated() {
            let at: [AcubeViolation.Component] = [.key("entries"), .index(index)]
            guard case .object(let entry) = item else {
                violations.append(
                    AcubeViolation(
                        path: at, message: "expected an object, found \(item.typeDescription)", type: "dict_type"))
                continue
            }
            entryViolations(entry, at: at, into: &violations)
        }
        return violations
    }

    static func entryViolations(
        _ entry: JSONObject, at: [AcubeViolation.Component], into violations: inout [AcubeViolation]
    ) {
        if let value = entry["vat_rate_code"] {
            if case .string(let code) = value {
                if VatCode(code)?.code != code {
                    violations.append(
                        AcubeViolation(
                            path: at + [.key("vat_rate_code")],
                            message: "unknown vat_rate_code \(JSONText.quoted(code)): expected a rate A-Cube lists "
                                + "such as \"22.00\", or N1 to N6",
                            type: "enum"))
                }
            } else {
                violations.append(
                    wrongType(value, expected: "a string", key: "vat_rate_code", at: at, type: "string_type"))
            }
        } else {
            violations.append(missing("vat_rate_code", at: at))
        }
        amount(entry, "vat_amount", nullable: false, at: at, into: &violations)
        amount(entry, "partial_amount", nullable: false, at: at, into: &violations)
        if let value = entry["simplified_vat_allocation"] {
            if value.boolValue == nil {
                violations.append(
                    AcubeViolation(
                        path: at + [.key("simplified_vat_allocation")],
                        message: "expected a boolean, found \(value.typeDescription)", type: "bool_type"))
            }
        } else {
            violations.append(missing("simplified_vat_allocation", at: at))
        }
        for key in optionalEntryAmounts where entry[key] != nil {
            amount(entry, key, nullable: true, at: at, into: &violations)
        }
        if let value = entry["ateco_code"], value != .null, value.stringValue == nil {
            violations.append(
                wrongType(value, expected: "a string or null", key: "ateco_code", at: at, type: "string_type"))
        }
    }

    /// The violations of an offline communication `{"timestamp","reason"}` beyond its schema: an RFC 3339
    /// timestamp with an offset, and a reason that is not blank.
    static func communicateOffline(_ body: JSONObject) -> [AcubeViolation] {
        var violations: [AcubeViolation] = []
        datetime(body, "timestamp", at: [], into: &violations)
        if let value = body["reason"] {
            if let reason = value.stringValue {
                if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    violations.append(
                        AcubeViolation(
                            path: [.key("reason")], message: "This value should not be blank.", type: "string_too_short"
                        ))
                }
            } else {
                violations.append(wrongType(value, expected: "a string", key: "reason", at: [], type: "string_type"))
            }
        } else {
            violations.append(missing("reason", at: []))
        }
        return violations
    }

    // MARK: - Fields

    /// Checks an RFC 3339 timestamp with an offset; returns its instant when valid.
    @discardableResult
    static func datetime(
        _ object: JSONObject, _ key: String, at: [AcubeViolation.Component], into violations: inout [AcubeViolation]
    ) -> Instant? {
        guard let value = object[key] else {
            violations.append(missing(key, at: at))
            return nil
        }
        guard let text = value.stringValue else {
            violations.append(wrongType(value, expected: "a string", key: key, at: at, type: "string_type"))
            return nil
        }
        guard let instant = TimestampParser.parseAbsolute(text) else {
            violations.append(
                AcubeViolation(
                    path: at + [.key(key)],
                    message: "expected an RFC 3339 date-time with an offset such as \"2026-11-21T19:02:00+01:00\", "
                        + "found \(JSONText.quoted(text))",
                    type: "datetime_parsing"))
            return nil
        }
        return instant
    }

    /// Checks a non-negative decimal string of euros, such as `"12.50"`.
    static func amount(
        _ object: JSONObject, _ key: String, nullable: Bool, at: [AcubeViolation.Component],
        into violations: inout [AcubeViolation]
    ) {
        guard let value = object[key] else {
            violations.append(missing(key, at: at))
            return
        }
        if value == .null, nullable { return }
        guard let text = value.stringValue else {
            violations.append(
                wrongType(value, expected: "a decimal string such as \"12.50\"", key: key, at: at, type: "string_type"))
            return
        }
        guard let money = Money.parse(text), money.cents >= 0 else {
            violations.append(
                AcubeViolation(
                    path: at + [.key(key)],
                    message: "expected a non-negative decimal string such as \"12.50\", found \(JSONText.quoted(text))",
                    type: "decimal_parsing"))
            return
        }
    }

    /// Checks a non-negative integer.
    static func count(
        _ object: JSONObject, _ key: String, nullable: Bool, at: [AcubeViolation.Component],
        into violations: inout [AcubeViolation]
    ) {
        guard let value = object[key] else {
            violations.append(missing(key, at: at))
            return
        }
        if value == .null, nullable { return }
        guard let number = value.int64Value, number >= 0 else {
            violations.append(wrongType(value, expected: "a non-negative integer", key: key, at: at, type: "int_type"))
            return
        }
    }

    /// `key` is absent.
    static func missing(_ key: String, at: [AcubeViolation.Component]) -> AcubeViolation {
        AcubeViolation(path: at + [.key(key)], message: "Field required.", type: "missing")
    }

    /// `key` holds a value of the wrong JSON type; `type` is the MF1 error type (`string_type`, `int_type`…).
    static func wrongType(
        _ value: JSONValue, expected: String, key: String, at: [AcubeViolation.Component], type: String
    ) -> AcubeViolation {
        AcubeViolation(path: at + [.key(key)], message: "expected \(expected), found \(value.excerpt)", type: type)
    }
}
