import ArgumentParser
import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraServices

/// `quadra submit`: sends the prepared uploads of an output folder to A-Cube, each exactly once.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit the emergency reports prepared in OUT/uploads/ to A-Cube, never twice.",
        discussion: """
            Sends each OUT/uploads/<PEM>/<fiscal-day>.json as it is (supplier: MF2 upload-emergency-report;
            merchant: MF1 emergency-report, by the configuration's acube.role). Each one is recorded in the state
            store before it is sent; one whose answer was lost is only sent again after A-Cube's list of emergency
            reports shows it is not there (by report ids: see `quadra reports`). Credentials come from
            QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD (or QUADRA_ACUBE_PASSWORD_FILE).

            Example:
              quadra submit --config quadra.toml out

            Exit status: 0 everything is at A-Cube; 1 something was refused, or could not be settled
            (SUBMISSION_UNCERTAIN); 2 bad usage, bad configuration, missing credentials, or A-Cube could not be used.
            """
    )

    @Option(help: ArgumentHelp("The configuration file (TOML; default: $QUADRA_CONFIG).", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("The SQLite state store.", valueName: "FILE"))
    var state: String = "quadra-state.sqlite"

    @Option(help: "The fiscal time zone (default: the configuration's, else Europe/Rome).")
    var timezone: String?

    @Argument(help: ArgumentHelp("The output folder of a run or a preparation.", valueName: "OUT"))
    var out: String

    @OptionGroup var lock: LockOptions

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let logger = output.apply(label: "quadra.submit")
        let configuration = try ConfigurationLoader.load(try ConfigurationLoader.requiredPath(config))
        let zoneName = timezone ?? configuration.timezone
        guard let zone = FiscalTimeZone(identifier: zoneName) else {
            throw UsageFailure(message: "--timezone: unknown time zone \"\(zoneName)\"")
        }
        let files = try Self.uploadFiles(in: URL(fileURLWithPath: out))
        guard !files.isEmpty else {
            print("No uploads in \(out)/uploads/: nothing to submit.")
            return
        }
        let credentials = try Credentials.fromEnvironment()
        let store = try AcubeConnection.openStore(state, wait: lock.wait)
        let connection = try AcubeConnection(settings: configuration.acube, credentials: credentials)
        let engine = connection.engine(store: store, timeZone: zone)
        let result: SubmissionResult
        do {
            result = try await engine.submitUploadFiles(files)
            await connection.shutdown()
        } catch {
            await connection.shutdown()
            throw UsageFailure(message: "submission to A-Cube stopped: \(error)")
        }
        for line in SubmissionReport.describe(result) {
            logger.info("\(line)")
            print(line)
        }
        for (key, detail) in result.rejected.sorted(by: { $0.key < $1.key }) {
            let line = "SUBMISSION_REJECTED \(key.pem) \(key.day): \(detail)"
            StandardError.say(line, level: .error, text: line)
        }
        for (subject, detail) in result.uncertain.sorted(by: { $0.key < $1.key }) {
            let day = subject.day.map { " \($0)" } ?? ""
            let line = "SUBMISSION_UNCERTAIN \(subject.pem)\(day): \(detail)"
            StandardError.say(line, level: .error, text: line)
        }
        if let failure = result.failure {
            throw UsageFailure(message: "submission to A-Cube stopped: \(failure)")
        }
        throw ExitCode(result.rejected.isEmpty && result.uncertain.isEmpty ? 0 : 1)
    }

    /// `uploads/<PEM>/<YYYY-MM-DD>.json` files, sorted; anything else there is an error naming the file.
    static func uploadFiles(in out: URL) throws -> [(key: PemDay, body: [UInt8])] {
        let uploads = out.appendingPathComponent("uploads")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageFailure(message: "\(out.path): not an output folder")
        }
        guard FileManager.default.fileExists(atPath: uploads.path) else { return [] }
        var files: [(key: PemDay, body: [UInt8])] = []
        let pems = try FileManager.default.contentsOfDirectory(atPath: uploads.path).filter { !$0.hasPrefix(".") }
            .sorted()
        for pem in pems {
            let folder = uploads.appendingPathComponent(pem)
            // Quadra only writes folders named by valid serials; another name would become part of an A-Cube path.
            guard PEMSerial.isValid(pem) else {
                throw UsageFailure(message: "\(folder.path): " + PEMSerial.rejection(of: pem, in: "folder name"))
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                guard let day = FiscalDay.parse(name.dropLast(".json".count)) else {
                    throw UsageFailure(message: "\(folder.path)/\(name): expected uploads/<PEM>/<YYYY-MM-DD>.json")
                }
                let body: [UInt8]
                do {
                    body = try POSIXFile.readAll(url: folder.appendingPathComponent(name))
                } catch {
                    throw UsageFailure(
                        message: "\(folder.path)/\(name): cannot be read: \(SystemErrorText.describe(error))")
                }
                files.append((PemDay(pem: pem, day: day), body))
            }
        }
        return files
    }
}
