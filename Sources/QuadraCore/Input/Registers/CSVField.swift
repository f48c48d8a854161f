/// Where one field of a CSV row lies in the buffer, and whether it was quoted.
struct CSVField: Sendable, Hashable {
    /// First byte of the content (after an opening quote or leading blanks).
    var start: Int
    /// One past the last byte of the content (before a closing quote or trailing blanks).
    var end: Int
    var quoted: Bool
    /// The content holds `""` pairs that stand for one `"` each.
    var hasDoubledQuotes: Bool
}
