/// The language `summary.html` is written in: the configuration's `language`, or `--language`. Only the summary page
/// is translated; findings.csv, the XML, the uploads and standard output stay as the contract writes them.
public enum ReportLanguage: String, Sendable, Hashable, CaseIterable {
    case italian = "it"
    case english = "en"

    /// Italian: the page is for an Italian accountant.
    public static let `default` = ReportLanguage.italian

    /// What the configuration and `--language` accept.
    public static let accepted = "it or en"
}
