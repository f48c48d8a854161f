/// The A-Cube exports' reads (formats.md §1.2), lenient: a number may come as a string and a string as a number.
extension FieldSource {
    /// A non-empty string or a number's text; nil for anything else (missing, null, `""`, true, false, an array or
    /// an object).
    @inline(__always)
    func optionalText(_ key: Key) -> Text? {
        switch self[key] {
        case .string(let text) where !text.isEmpty: text
        case .number(let text): text
        default: nil
        }
    }

    @inline(__always)
    func requiredText(_ key: Key) throws(Failure) -> Text {
        guard let text = optionalText(key) else { throw failure("missing required key \"\(key.rawValue)\"") }
        return text
    }

    /// A decimal amount, when there is one.
    @inline(__always)
    func optionalMoney(_ key: Key) throws(Failure) -> Money? {
        guard let text = optionalText(key) else { return nil }
        guard let money = text.withUTF8Bytes({ Money.parse(utf8: $0) }) else {
            throw failure(
                "bad \"\(key.rawValue)\": expected a decimal amount like \"12.50\", found \"\(text.string)\"")
        }
        return money
    }

    /// A timestamp with an offset, or without one (local time in the fiscal zone).
    @inline(__always)
    func timestamp(_ key: Key, _ times: inout AcubeTimestamps) throws(Failure) -> Instant {
        let text = try requiredText(key)
        guard let instant = text.withUTF8Bytes({ times.instant($0) }) else {
            throw failure(
                "bad \"\(key.rawValue)\": expected a timestamp like 2026-11-21T19:02:00, found \"\(text.string)\"")
        }
        return instant
    }
}
