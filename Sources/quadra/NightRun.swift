import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraServices

/// Wires a `NightPipeline` for `quadra run` and `quadra demo`: makes the Spice and A-Cube clients the options
/// call for, runs the night, shuts the clients down, and prints the summary. Returns the exit status.
enum NightRun {
    /// With `quiet`, a night that needs nothing (exit status 0) prints nothing, so cron mails only when it should.
    static func execute(
        _ options: NightPipeline.Options, credentials given: AcubeCredentials? = nil, quiet: Bool = false,
        metrics: String? = nil
    ) async throws -> Int32 {
        // Secrets are checked before anything is read or sent, so a missing one stops the run early (exit 2).
        let credentials = options.submit ? try given ?? Credentials.fromEnvironment() : nil
        let acube = try credentials.map {
            try AcubeConnection(settings: options.configuration.acube, credentials: $0)
        }
        var spiceHTTP: HTTPClient?
        var spice: SpiceHTTPClient?
        if !options.offline {
            let settings = options.configuration.spice
            let http = SpiceHTTPClient.makeHTTPClient()
            spiceHTTP = http
            spice = SpiceHTTPClient(
                http: http, posName: settings.posName, posVersion: settings.posVersion,
                requestTimeoutSeconds: settings.requestTimeoutSeconds)
        }
        let pipeline = NightPipeline(options: options, services: .init(spice: spice, acube: acube?.client))
        let result: NightResult
        do {
            result = try await pipeline.run()
        } catch {
            try? await spiceHTTP?.shutdown()
            await acube?.shutdown()
            throw error
        }
        try? await spiceHTTP?.shutdown()
        await acube?.shutdown()
        if let metrics {
            do {
                try MetricsFile.write(
                    to: metrics, result: result, exitStatus: result.exitStatus, finishedAt: RunClock.now())
            } catch {
                // The night is written: a metrics file that cannot be is said, and the night's status stands.
                StandardError.warning("--metrics: \(error)")
            }
        }
        if quiet, result.exitStatus == 0 { return 0 }
        if let baseline = result.baseline { print(baseline) }
        if let recovery = result.recovery { print(recovery.summary) }
        for line in result.submission?.lines ?? [] { print(line) }
        if let failure = result.submission?.failure {
            StandardError.failure("submission to A-Cube stopped: \(failure)")
        }
        print(
            RunSummary.render(result.report, uploads: result.uploads, outputDirectory: options.output.path),
            terminator: "")
        return result.exitStatus
    }
}

/// A-Cube's credentials from the environment; a missing one is a usage failure (exit 2).
enum Credentials {
    static func fromEnvironment() throws -> AcubeCredentials {
        do {
            return try AcubeCredentials.fromEnvironment()
        } catch {
            throw UsageFailure(message: "\(error)")
        }
    }
}
