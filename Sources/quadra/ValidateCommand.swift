import ArgumentParser
import Foundation
import QuadraCore
import QuadraXML

/// `quadra validate`: checks report or register XML against its schema.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check reconciliation reports, emergency registers or upload XML against their schemas.",
        discussion: """
            The schema is chosen by the root element and its namespace: reconciliation.xml, an emergency
            register, or an upload's XML form (emergency_report, Templates/emergency-report.xsd). Every file
            named is checked, even after one that cannot be read. Errors are printed as FILE:LINE: message.

            Example:
              quadra validate out/reconciliation.xml out/uploads/E001-000001/2026-11-21.xml

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
        var unreadable = 0
        for path in files {
            guard FileManager.default.isReadableFile(atPath: path) else {
                // Said, and the other files still checked: the exit status (2) tells a script.
                FileHandle.printError("quadra: \(path): the file does not exist or cannot be read\n")
                unreadable += 1
                continue
            }
            let validation = SchemaValidator.validate(url: URL(fileURLWithPath: path), displayPath: path)
            if validation.isValid {
                print("\(path): valid (\(validation.schema?.description ?? "unknown"))")
            } else {
                invalid += 1
                for diagnostic in validation.diagnostics { print(diagnostic.description) }
            }
        }
        throw ExitCode(unreadable > 0 ? 2 : invalid > 0 ? 1 : 0)
    }
}
