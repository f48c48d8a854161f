import ArgumentParser
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraXML

/// `quadra prepare`: emergency registers alone → uploads, for suppliers.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Turn emergency registers (CSV or XML) into A-Cube emergency report uploads.",
        discussion: """
            Writes OUT/uploads/<PEM>/<day>.json and .xml for every (PEM, fiscal day) the registers hold,
            OUT/findings.csv (and OUT/findings.xlsx) with one INPUT_REJECTED row per rejected row or file, and
            OUT/manifest.json.

            Example:
              quadra prepare --out out Samples/night-2026-11-21/emergency/*.csv

            Exit status: 0 every row was read; 1 some rows or files were rejected; 2 bad usage.
            """
    )

    @Option(help: ArgumentHelp("The output directory (created when missing).", valueName: "OUT"))
    var out: String

    @Argument(help: ArgumentHelp("Emergency registers: .csv or .xml files.", valueName: "REGISTER"))
    var registers: [String]

    @OptionGroup var clock: ClockOptions

    func validate() throws {
        guard !registers.isEmpty else { throw ValidationError("name at least one register file") }
    }

    func run() throws {
        let zone = try clock.fiscalTimeZone()
        let (asOf, pinned) = try clock.referenceTime()
        var entries: [RegisterEntry] = []
        var diagnostics: [Diagnostic] = []
        var files: [InputFileRecord] = []
        let reader = NightReader(timeZone: zone, registerXML: LibXMLRegisterReader())
        for path in registers {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw UsageFailure(message: "\(path): the register does not exist or cannot be read")
            }
            let read: (result: RegisterReadResult, record: InputFileRecord)?
            do {
                read = try reader.readRegister(url: URL(fileURLWithPath: path), displayPath: path)
            } catch {
                throw UsageFailure(message: "\(path): the register cannot be read: \(error)")
            }
            guard let (result, record) = read else {
                throw UsageFailure(message: "\(path): expected a .csv or .xml emergency register")
            }
            entries += result.entries
            diagnostics += result.diagnostics
            files.append(record)
        }
        let items = UploadBuilder.checked(entries.map(UploadItem.init(entry:)))
        diagnostics += items.rejected
        let uploads = UploadBuilder.build(items: items.kept, timeZone: zone) { _ in false }
        let runId = pinned ? RunIdentity.derived(asOf: asOf, inputs: files) : RunIdentity.random()
        let run = RunInfo(
            toolVersion: Quadra.version, runId: runId, timeZone: zone.identifier, asOf: zone.format(asOf),
            startedAt: zone.format(asOf), finishedAt: zone.format(asOf), mode: "prepare")
        let report = ReconciliationReport(
            run: run, inputs: files, findings: diagnostics.map(Reconciler.inputRejected))
        let output = try OutputDirectory(root: URL(fileURLWithPath: out))
        try ReportFiles.write(report: report, uploads: uploads, xml: false, into: output)
        for diagnostic in diagnostics { FileHandle.printError("\(diagnostic)\n") }
        print(
            "Prepared \(uploads.count) upload\(uploads.count == 1 ? "" : "s") from \(entries.count) register entries in \(out)/uploads/; \(diagnostics.count) rejected."
        )
        throw ExitCode(diagnostics.isEmpty ? 0 : 1)
    }
}
