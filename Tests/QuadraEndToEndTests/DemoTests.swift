import Foundation
import QuadraXML
import Testing

/// `quadra demo`, the README's first command, run as a user runs it.
@Suite struct DemoTests {
    @Test func theDemoRunsAWholeNightAgainstItsSimulators() async throws {
        let parent = try QuadraBinary.temporaryDirectory("demo")
        let demo = parent.appendingPathComponent("quadra-demo")
        let result = try await QuadraBinary.runAsync(["demo", "--out", demo.path])
        #expect(result.status == 1, "the sample night needs action: \(result.stderr)")
        #expect(result.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"))
        #expect(result.stdout.contains("Where to look"))
        let csv = try String(contentsOf: demo.appendingPathComponent("out/findings.csv"), encoding: .utf8)
        #expect(csv.contains("PAYMENT_RECOVERED_APPROVED"), "Spice recovered the in-progress payment")
        #expect(!csv.contains("PAYMENT_IN_PROGRESS,"), "nothing is left in progress on T1")
        #expect(!csv.contains("OFFLINE_RECORD_UNSUBMITTED"), "the emergency report was submitted")
        let fetched = try FileManager.default.contentsOfDirectory(
            atPath: demo.appendingPathComponent("night/acube/E001-000001").path)
        #expect(fetched.contains("receipts-sent-1.json") && fetched.contains("receipts-ready-1.json"))
        #expect(fetched.contains("notifications-1.json"), "polled over mutual TLS with the demo certificate")
        #expect(result.stdout.contains("Recorded what A-Cube already held"))
        #expect(!csv.contains("SUBMISSION_UNCERTAIN"))
        let validation = SchemaValidator.validate(
            url: demo.appendingPathComponent("out/reconciliation.xml"), displayPath: "reconciliation.xml")
        #expect(validation.isValid, "\(validation.diagnostics)")
        #expect(FileManager.default.fileExists(atPath: demo.appendingPathComponent("state.sqlite").path))
    }
}
