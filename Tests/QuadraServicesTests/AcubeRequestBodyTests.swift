import AsyncHTTPClient
import Foundation
import QuadraCore
import QuadraGenerator
import QuadraServices
import QuadraSimulators
import QuadraTestSupport
import QuadraXML
import Testing

/// Every body the client sends A-Cube, checked against A-Cube's own request schemas
/// (`Templates/acube-openapi-subset.json`) by an independent JSON-Schema implementation (Python's `jsonschema`), and
/// accepted by the simulator, which refuses what the schemas refuse. The bodies are those of real nights: the sample
/// night, and generated nights with meal-ticket payments and natura (N1–N6) entries, submitted by a supplier (MF2) and
/// a merchant (MF1), with their offline communications.
@Suite struct AcubeRequestBodyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let subset = root.appendingPathComponent("Templates/acube-openapi-subset.json")
    static let emergencyReport = "A-Cube_GOV-IT_PEL_Platform_Pem.EmergencyReportInput"
    static let offlineRequest = "E-Receipt_IT_API_PEMStatusOfflineRequest"

    /// The register reader of the binary: libxml2's.
    struct XMLRegisters: RegisterXMLReading {
        func readRegister(url: URL, displayPath: String, timeZone: FiscalTimeZone) -> RegisterReadResult {
            RegisterXMLReader.read(url: url, displayPath: displayPath, timeZone: timeZone)
        }
    }

    /// The plan a night gives: what a run with `--submit` would send.
    static func plan(night: URL) throws -> SubmissionPlan {
        var reader = NightReader(timeZone: .rome, registerXML: XMLRegisters())
        reader.workers = 1
        let inputs = try reader.read(directory: night)
        let asOf = try #require(TimestampParser.parseAbsolute(NightGenerator.asOf))
        let reconciliation = try Reconciler.reconcile(
            inputs, context: ReconcileContext(asOf: asOf, timeZone: .rome), workers: 1)
        return SubmissionPlan(reconciliation, state: StateSnapshot())
    }

    /// Submits `plan` to a simulator through the real client and engine; returns every POST body sent, with the
    /// operation it went to, and the statuses answered.
    static func submit(_ plan: SubmissionPlan, role: Configuration.AcubeSettings.Role) async throws
        -> [(path: String, body: String, status: Int?)]
    {
        let simulator = AcubeSimulator(email: "ops@example.com", password: "pw-bodies-1", role: role)
        let pems = Set(plan.uploads.map(\.pem) + plan.offlinePeriods.map(\.pem) + plan.journalCloses.map(\.pem))
        for pem in pems { simulator.seed(pem: pem) }
        try await simulator.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = AcubeClient(
            http: http, settings: AcubeClientTests.settings(baseURL: simulator.baseURL, role: role),
            credentials: AcubeCredentials(email: "ops@example.com", password: "pw-bodies-1"),
            retryPolicy: AcubeClientTests.policy())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-bodies-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = SubmissionEngine(
            client: client, store: try StateStore(path: path), timeZone: .rome, now: { Instant(seconds: 1_795_000_000) }
        )
        let result = try await engine.submit(plan)
        try await http.shutdown()
        await simulator.shutdown()
        #expect(result.rejected.isEmpty, "\(result.rejected)")
        #expect(result.uncertain.isEmpty, "\(result.uncertain)")
        return simulator.requests.filter { $0.method == "POST" && $0.path != "/login" }.map {
            ($0.path, $0.body, $0.status)
        }
    }

    static func generatedNight(seed: UInt64) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-bodies-night-\(seed)")
        try? FileManager.default.removeItem(at: directory)
        var settings = NightGenerator.Settings()
        settings.sales = 600
        settings.pems = 3
        settings.terminals = 6
        settings.seed = seed
        settings.clientOutage = 1
        settings.platformOutage = 1
        settings.recorded = 0.5
        settings.ticket = 0.4
        settings.natura = 0.6
        try NightGenerator(settings: settings).write(to: directory)
        return directory
    }

    @Test func everyBodySentIsValidForAcubesSchemasAndAccepted() async throws {
        var nights = [AcubeClientTests.sampleNight]
        for seed: UInt64 in [5, 6, 7] { nights.append(try Self.generatedNight(seed: seed)) }
        defer { for night in nights.dropFirst() { try? FileManager.default.removeItem(at: night) } }

        var sent: [(schema: String, body: String)] = []
        var statuses: [Int?] = []
        for (index, night) in nights.enumerated() {
            let plan = try Self.plan(night: night)
            #expect(!plan.uploads.isEmpty, "\(night.lastPathComponent) prepares uploads")
            for role in index == 0 ? [.supplier, .merchant] : [Configuration.AcubeSettings.Role.supplier] {
                for post in try await Self.submit(plan, role: role) {
                    if !post.path.hasSuffix("/close") { statuses.append(post.status) }
                    if post.path.hasSuffix("emergency-report") {
                        sent.append((Self.emergencyReport, post.body))
                    } else if post.path.hasSuffix("/communicate-offline") {
                        sent.append((Self.offlineRequest, post.body))
                    } else {
                        // A journal close has no body (its 409 only says the simulator held no open journal).
                        #expect(post.path.hasSuffix("/close") && post.body.isEmpty, "\(post.path): no body")
                    }
                }
            }
        }
        #expect(statuses.allSatisfy { $0 == 202 }, "A-Cube's simulator took every report and notice: \(statuses)")

        // What the bodies hold: meal tickets, every natura code, offline communications.
        let uploads = try sent.filter { $0.schema == Self.emergencyReport }.map {
            try #require(try JSONParser.parse(Array($0.body.utf8)).objectValue)
        }
        #expect(uploads.count >= 10)
        #expect(uploads.allSatisfy { $0["ticket_restaurant_quantity"]?.int64Value != nil }, "never null")
        #expect(uploads.contains { ($0["ticket_restaurant_quantity"]?.int64Value ?? 0) > 0 })
        let codes = Set(
            uploads.flatMap { $0["entries"]?.arrayValue ?? [] }.compactMap {
                $0.objectValue?["vat_rate_code"]?.stringValue
            })
        #expect(codes.isSuperset(of: ["N1", "N2", "N3", "N4", "N5", "N6", "22.00"]), "\(codes.sorted())")
        #expect(sent.filter { $0.schema == Self.offlineRequest }.count >= 4)

        // An independent implementation agrees: every body is valid.
        let verdicts = try await PythonJSONSchema.verdicts(
            document: Self.subset, cases: sent.map { ($0.schema, $0.body) })
        let invalid = zip(sent, verdicts).filter { !$0.1 }.map { "\($0.0.schema): \($0.0.body)" }
        #expect(invalid.isEmpty, "invalid for A-Cube's schema:\n\(invalid.joined(separator: "\n"))")

        // And Quadra's own validator (the simulator's) says the same.
        let schema = try JSONSchema(document: try JSONParser.parse(Array(try Data(contentsOf: Self.subset))))
        for body in sent {
            let value = try JSONParser.parse(Array(body.body.utf8))
            #expect(schema.validate(value, at: "#/components/schemas/" + body.schema).isEmpty, "\(body.body)")
        }
    }

    @Test func theIndependentCheckRefusesWhatQuadraUsedToSend() async throws {
        // The bodies of the first version: a null ticket quantity, and the old offline-period body.
        let old = [
            (
                Self.emergencyReport,
                #"{"datetime":"2026-11-21T19:02:00+01:00","documents_count":1,"cash_payment_amount":"1.00","#
                    + #""electronic_payment_amount":"0.00","ticket_restaurant_payment_amount":"0.00","#
                    + #""ticket_restaurant_quantity":null,"entries":[{"vat_rate_code":"22.00","partial_amount":"0.82"}]}"#
            ),
            (
                Self.offlineRequest,
                #"{"start":"2026-11-21T15:00:05+01:00","end":"2026-11-21T15:30:05+01:00","reason":"client offline"}"#
            ),
        ]
        #expect(try await PythonJSONSchema.verdicts(document: Self.subset, cases: old) == [false, false])
    }
}
