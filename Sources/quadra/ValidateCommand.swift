import ArgumentParser
import Foundation
import QuadraCore
import QuadraXML

/// `quadra validate`: checks report or register XML against its schema.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check reconciliation reports or emergency registers (XML) against their schemas.",
        discussion: """
            The schema is chosen by the root element's namespace. Errors are printed as FILE:LINE: message.

            Example:
              quadra validate out/reconciliation.xml Samples/night-2026-11-21/emergency/register.xml

            Exit status: 0 every file is valid; 1 some file is invalid; 2 a file cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("XML files to check.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one XML file") }
    }

    func run() throws {
        var invalid = 0
        for path in files {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw UsageFailure(message: "\(path): the file does not exist or cannot be read")
            }
            let validation = SchemaValidator.validate(url: URL(fileURLWithPath: path), displayPath: path)
            if validation.isValid {
                print("\(path): valid (\(validation.schema?.description ?? "unknown"))")
            } else {
                invalid += 1
                for diagnostic in validation.diagnostics { print(diagnostic.description) }
            }
        }
        throw ExitCode(invalid == 0 ? 0 : 1)
    }
}
