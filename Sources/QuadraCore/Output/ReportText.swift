/// The one rule for text in every report (XML, CSV, HTML): a character XML 1.0 cannot hold (NUL, the C0 controls
/// other than tab, LF and CR, U+FFFE, U+FFFF) becomes U+FFFD, so that a value reads the same in every file.
public enum ReportText {
    @inline(__always)
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// `text` with every character reports cannot hold replaced by U+FFFD; `text` itself when it has none.
    public static func clean(_ text: String) -> String {
        // Every cell of every report comes through here: look at the bytes first. Only a C0 control or a lead byte
        // 0xEF (where U+FFFE and U+FFFF start) can begin a character to replace.
        guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0xEF })
        else { return text }
        guard !text.unicodeScalars.allSatisfy(isAllowed) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
        }
        return String(scalars)
    }
}
