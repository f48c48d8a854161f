import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraPipeline
import QuadraServices
import QuadraSimulators
import Testing

/// The pipeline in this process, as the commands wire it: the sample night, offline and then online against the
/// Spice and A-Cube simulators on 127.0.0.1.
@Suite struct NightPipelineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let night = root.appendingPathComponent("Samples/night-2026-11-21")
    static let goldens = root.appendingPathComponent("Tests/QuadraEndToEndTests/Fixtures/night-2026-11-21")
    static let asOf = TimestampParser.parseAbsolute("2026-11-22T06:00:00+01:00")!
    static let email = "ops@example.com"
    static let password = "pa55-Sekr3t!Quadra"

    static func options(out: URL, state: URL, offline: Bool, submit: Bool, configuration: Configuration = .init())
        -> NightPipeline.Options
    {
        NightPipeline.Options(
            input: night, output: out, timeZone: .rome, asOf: asOf, pinned: true, offline: offline, submit: submit,
            statePath: state.path, configuration: configuration, toolVersion: "0.1.0")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-pipeline-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func anOfflineNightWritesWhatTheBinaryWrites() async throws {
        let work = try Self.temporaryDirectory()
        let out = work.appendingPathComponent("out")
        let result = try await NightPipeline(
            options: Self.options(
                out: out, state: work.appendingPathComponent("none.sqlite"), offline: true, submit: false),
            services: .init()
        ).run()
        #expect(result.exitStatus == 1)
        #expect(result.recovery == nil)
        #expect(result.uploads.map { "\($0.pem) \($0.fiscalDay)" } == ["E001-000001 2026-11-21"])
        for name in [
            "findings.csv", "findings.xlsx", "reconciliation.xml", "summary.html", "manifest.json",
            "uploads/E001-000001/2026-11-21.json", "uploads/E001-000001/2026-11-21.xml",
        ] {
            let written = try Data(contentsOf: out.appendingPathComponent(name))
            #expect(written == (try Data(contentsOf: Self.goldens.appendingPathComponent(name))), "\(name)")
        }
    }

    @Test func anOnlineNightRecoversSubmitsOnceAndSaysWhatItDid() async throws {
        let work = try Self.temporaryDirectory()
        let spice = SpiceSimulator(
            script: try SpiceSimulator.loadScript(from: Self.root.appendingPathComponent("Samples/demo-spice.json")))
        try await spice.start()
        let acube = AcubeSimulator(email: Self.email, password: Self.password)
        try await acube.start()
        acube.seed(pem: "E001-000001")
        acube.seed(pem: "E001-000002")
        var configuration = Configuration()
        configuration.spice.defaultURL = spice.baseURL
        configuration.spice.initialBackoffMilliseconds = 10
        configuration.acube.role = .supplier
        configuration.acube.baseURL = acube.baseURL
        configuration.acube.authURL = acube.baseURL
        let spiceHTTP = SpiceHTTPClient.makeHTTPClient()
        let acubeHTTP = try AcubeClient.makeHTTPClient(settings: configuration.acube)
        let services = NightPipeline.Services(
            spice: SpiceHTTPClient(http: spiceHTTP, posName: "Quadra", posVersion: "1.0", requestTimeoutSeconds: 5),
            acube: AcubeClient(
                http: acubeHTTP, settings: configuration.acube,
                credentials: AcubeCredentials(email: Self.email, password: Self.password)))
        let state = work.appendingPathComponent("state.sqlite")
        var results: [NightResult] = []
        for pass in 0..<2 {
            let options = Self.options(
                out: work.appendingPathComponent("out-\(pass)"), state: state, offline: false, submit: true,
                configuration: configuration)
            results.append(try await NightPipeline(options: options, services: services).run())
        }
        try await spiceHTTP.shutdown()
        try await acubeHTTP.shutdown()
        await spice.shutdown()
        await acube.shutdown()
        // Spice was asked about the one attempt the POS left in progress, once: the answer is in the store.
        #expect(results[0].recovery?.attempts == 1)
        #expect(results[0].recovery?.outcomes["T1-S-1003-1"].map { "\($0)" }?.contains("approved") == true)
        #expect(results[1].recovery == nil)
        // The one uncovered day was filed once, on the first pass; the second had nothing to send.
        #expect(acube.postedEmergencyReports(pem: "E001-000001").count == 1)
        #expect(results[0].submission?.lines.first?.hasPrefix("Sent to A-Cube: ") == true)
        #expect(results[0].submission?.failure == nil)
        #expect(results[1].submission?.lines == ["Nothing to send to A-Cube."])
        #expect(results[1].uploads.isEmpty)
        #expect(
            results[1].report.findings.allSatisfy { $0.code != .offlineRecordUnsubmitted || $0.fiscalDay?.day != 21 })
    }
}
