/// What Quadra accepts as a PEM's serial number. A serial names folders (`acube/<PEM>/`, `uploads/<PEM>/`) and
/// A-Cube paths (`/mf1/point-of-sales/<PEM>/…`), so it is held to the shape A-Cube gives serials (`E001-000001`):
/// 1 to 64 ASCII letters, digits, `-` or `_`, the first a letter or a digit. Anything else (`../x`, `a/b`, a
/// space, a dot) is rejected where it is read, so no path is ever built from it.
public enum PEMSerial {
    public static let maximumLength = 64

    /// The rule, as rejection messages give it.
    public static let expectation =
        "a PEM serial number like E001-000001 (1 to 64 letters, digits, '-' or '_', starting with a letter or digit)"

    /// Whether `bytes` (UTF-8) is a serial Quadra accepts.
    @inline(__always)
    public static func isValid<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, bytes.count <= maximumLength, isLetterOrDigit(first) else { return false }
        for byte in bytes where !(isLetterOrDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) {
            return false
        }
        return true
    }

    public static func isValid(_ text: String) -> Bool { isValid(text.utf8) }

    /// The rejection message for `text`, a value that is not a serial: what was expected, and what was found
    /// (quoted with JSON escapes, shortened past 60 characters).
    public static func rejection(of text: String, in field: String) -> String {
        let shown = text.count > 60 ? JSONText.quoted(String(text.prefix(57))) + "…" : JSONText.quoted(text)
        return "bad \(field): expected \(expectation), found \(shown)"
    }

    @inline(__always)
    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte &- UInt8(ascii: "0")) < 10 || ((byte | 0x20) &- UInt8(ascii: "a")) < 26
    }
}
