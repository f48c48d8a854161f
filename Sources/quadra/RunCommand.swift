import ArgumentParser
import Foundation
import QuadraCore

/// `quadra run`: the nightly job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Reconcile a night and write the reports.",
        discussion: """
            Reads NIGHT (pos/, acube/<PEM>/, emergency/), reconciles it and writes OUT/reconciliation.xml,
            OUT/findings.csv, OUT/uploads/<PEM>/<day>.json and .xml, and OUT/manifest.json, each atomically.

            Example:
              quadra run --offline --input Samples/night-2026-11-21 --out out --as-of 2026-11-22T06:00:00+01:00

            Exit status: 0 nothing needs action; 1 findings that need action, or rejected input;
            2 the run could not be done (bad usage, unreadable input directory); nothing is written then.
            """
    )

    @Option(help: ArgumentHelp("The night's input directory.", valueName: "NIGHT"))
    var input: String

    @Option(help: ArgumentHelp("The output directory (created when missing).", valueName: "OUT"))
    var out: String

    @Flag(help: "Do not contact Spice: unanswered attempts are reported as PAYMENT_IN_PROGRESS.")
    var offline = false

    @OptionGroup var clock: ClockOptions

    func run() throws {
        let (asOf, pinned) = try clock.referenceTime()
        let pipeline = NightPipeline(
            options: .init(
                input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out),
                timeZone: try clock.fiscalTimeZone(), asOf: asOf, pinned: pinned, mode: "offline"))
        let status = try pipeline.run()
        throw ExitCode(status)
    }
}
