import ArgumentParser
import Foundation
import QuadraCore
import QuadraPipeline

/// The `quadra` command: balances a shop's night of card payments and fiscal receipts.
@main
struct Quadra: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "quadra",
        abstract: "Balance a shop's night: card payments (Spice) against fiscal receipts (A-Cube).",
        discussion: """
            Examples:
              quadra demo
              quadra run --config quadra.toml --input /srv/nights/2026-11-21 --out /srv/reports/2026-11-21 --submit

            Exit status: 0 nothing needs action; 1 findings that need action or rejected input;
            2 the run could not be done (bad usage, unreadable input directory, bad configuration).
            """,
        version: version,
        subcommands: [
            RunCommand.self, FetchCommand.self, PrepareCommand.self, SubmitCommand.self, ReportsCommand.self,
            ValidateCommand.self, DemoCommand.self, GenerateCommand.self, SimulateCommand.self,
        ]
    )

    /// Runs the command and maps every failure to the contract's exit status: usage and configuration
    /// problems are 2 (ArgumentParser would say 64), help and version are 0.
    static func main() async {
        Interruption.install()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success { self.exit(withError: error) }
            StandardError.failure(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

/// A failure that stops a command before it writes anything: exit status 2 with the message.
struct UsageFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension FileHandle {
    /// Writes text to standard error.
    static func printError(_ text: String) {
        standardError.write(Data(text.utf8))
    }
}
