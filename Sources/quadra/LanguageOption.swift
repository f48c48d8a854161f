import ArgumentParser
import QuadraCore

/// `--language it|en`: the language of summary.html, winning over the configuration's `language`.
struct LanguageOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The language of summary.html: it or en (default: the configuration's `language`, else it). Only that "
                + "page is translated.", valueName: "LANG"))
    var language: String?

    func validate() throws {
        if let language, ReportLanguage(rawValue: language) == nil {
            throw ValidationError("--language: expected \(ReportLanguage.accepted), found \"\(language)\"")
        }
    }

    /// `configuration` with `--language`, when given, in place of its own.
    func applied(to configuration: Configuration) -> Configuration {
        var configuration = configuration
        if let language, let value = ReportLanguage(rawValue: language) { configuration.language = value }
        return configuration
    }
}
