import ArgumentParser
import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraServices

/// `quadra fetch`: fills `NIGHT/acube/<PEM>/` from the A-Cube API (formats.md §1 and §5). The page walking lives
/// in `AcubeFetcher`; this command gathers options, writes the files and maps failures to exit status 2.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fill NIGHT/acube/ from the A-Cube API for the configured PEMs.",
        discussion: """
            For each PEM of acube.pems (acube.concurrency at a time), writes into NIGHT/acube/<PEM>/:
              receipts-ready-<n>.json   the day's receipts not yet sent on to
              receipts-sent-<n>.json    MF2, and those sent (every page of each
                                        status, bounded by the fiscal day)
              journals-<n>.json         the PEM's journals of DAY (a supplier
                                        with acube.merchant_uuid)
              notifications-<n>.json    the PEM's notifications, polled over
                                        mutual TLS with its certificate
                                        ([acube.certificates])
              emergency-reports-<n>.json  every report A-Cube holds for the PEM
                                        (a supplier)
            Each file is written exactly as A-Cube sent it, as it arrives, to
            NIGHT/acube/.fetch-<pid>/, and moved into place (renamed) once
            every PEM is fetched; pages are numbered from 1, and pages an
            earlier fetch left are removed. Nothing changes in the night unless
            every PEM was fetched (a folder a killed fetch left is removed by
            the next one). A PEM without a
            certificate is fetched without its notifications (a warning, and a
            next step). The account comes from the environment, never from the
            configuration file: QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD
            (or QUADRA_ACUBE_PASSWORD_FILE).

            Example:
              export QUADRA_ACUBE_EMAIL=backoffice@example.com
              export QUADRA_ACUBE_PASSWORD_FILE=/etc/quadra/acube-password
              quadra fetch --config quadra.toml --date 2026-11-21 \\
                --into /srv/nights/2026-11-21

            Exit status: 0 every PEM was fetched whole; 1 fetched, but some
            PEM's notifications could not be (see the next steps); 2 nothing
            was written (bad usage or configuration, a missing credential,
            A-Cube unreachable, or A-Cube refusing the login or a request).
            """
    )

    @Option(
        help: ArgumentHelp(
            "The configuration file (TOML, formats.md §6) with the [acube] table (default: $QUADRA_CONFIG).",
            valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("The fiscal day to fetch (YYYY-MM-DD).", valueName: "DAY"))
    var date: String

    @Option(
        help: ArgumentHelp("The night directory; NIGHT/acube/ is filled (created when missing).", valueName: "NIGHT"))
    var into: String

    @Option(help: "The fiscal time zone that bounds the day (default: the configuration's, else Europe/Rome).")
    var timezone: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        _ = output.apply(label: "quadra.fetch")
        let config = try ConfigurationLoader.requiredPath(self.config)
        let configuration = try ConfigurationLoader.load(config)
        guard let day = FiscalDay.parse(date), day.isValid else {
            throw UsageFailure(message: "--date: expected a day like 2026-11-21, found \"\(date)\"")
        }
        let zoneName = timezone ?? configuration.timezone
        guard let zone = FiscalTimeZone(identifier: zoneName) else {
            throw UsageFailure(message: "--timezone: unknown time zone \"\(zoneName)\"")
        }
        let settings = configuration.acube
        guard !settings.pems.isEmpty else {
            throw UsageFailure(
                message: "\(config): acube.pems is empty: list the PEMs to fetch, e.g. pems = [\"E001-000001\"]")
        }
        let credentials = try Credentials.fromEnvironment()
        let night = URL(fileURLWithPath: into)
        do {
            try FileManager.default.createDirectory(at: night, withIntermediateDirectories: true)
        } catch {
            throw UsageFailure(message: "--into: cannot create \(night.path): \(SystemErrorText.describe(error))")
        }

        let result = try await Self.fetch(
            settings: settings, credentials: credentials, day: day, timeZone: zone, into: night)
        for warning in result.warnings { StandardError.warning(warning) }
        let pages = result.files.count
        print(
            "Fetched \(pages) file\(pages == 1 ? "" : "s") for \(result.fetchedKinds.count) PEM"
                + "\(result.fetchedKinds.count == 1 ? "" : "s") into \(night.appendingPathComponent("acube").path)/.")
        if !result.nextSteps.isEmpty {
            print("Next steps:")
            for (index, step) in result.nextSteps.enumerated() { print("  \(index + 1). \(step)") }
            throw ExitCode(1)
        }
    }

    /// Logs in, then walks every PEM's lists into `night`; every failure becomes exit status 2.
    static func fetch(
        settings: Configuration.AcubeSettings, credentials: AcubeCredentials, day: FiscalDay, timeZone: FiscalTimeZone,
        into night: URL
    ) async throws -> AcubeFetchResult {
        let connection = try AcubeConnection(settings: settings, credentials: credentials)
        let client = connection.client
        let progress = Progress(label: "fetching from A-Cube")
        let (identities, problems) = AcubeFetcher.loadIdentities(pems: settings.pems, settings: settings)
        let fetcher = AcubeFetcher(
            client: client, timeZone: timeZone, identities: identities, identityProblems: problems
        ) { progress.step($0) }
        do {
            progress.show("logging in")
            try await client.authenticate()
            let result = try await fetcher.fetch(pems: settings.pems, day: day, into: night)
            progress.finish()
            await connection.shutdown()
            return result
        } catch let error as AcubeFetchStorageError {
            progress.finish()
            await connection.shutdown()
            throw UsageFailure(message: "--into: \(error)")
        } catch {
            progress.finish()
            await connection.shutdown()
            throw UsageFailure(message: "fetch failed, nothing was written: \(error)")
        }
    }
}
