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

    /// The files of Samples/ the binary carries: all that the demo reads and the sample configuration, without the
    /// test CA's private key.
    static func embeddedSamples() throws -> [String] {
        let samples = QuadraBinary.packageRoot.appendingPathComponent("Samples")
        var paths: [String] = []
        for top in ["night-2026-11-21", "certificates"] {
            let folder = samples.appendingPathComponent(top)
            let enumerator = try #require(FileManager.default.enumerator(atPath: folder.path))
            for case let path as String in enumerator {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
                if !isDirectory.boolValue { paths.append(top + "/" + path) }
            }
        }
        return (paths.filter { $0 != "certificates/ca.key" } + ["quadra.toml", "demo-spice.json"]).sorted()
    }

    @Test func theDemoRunsFromAnEmptyFolderWithTheSampleNightInsideTheBinary() async throws {
        let empty = try QuadraBinary.temporaryDirectory("demo-anywhere")
        let result = try await QuadraBinary.runAsync(["demo"], in: empty)
        #expect(result.status == 1, "the sample night needs action: \(result.stderr)")
        let demo = empty.appendingPathComponent("quadra-demo")
        #expect(result.stdout.contains("Sent to A-Cube: emergency report E001-000001 2026-11-21"), "\(result.stdout)")
        let csv = try String(contentsOf: demo.appendingPathComponent("out/findings.csv"), encoding: .utf8)
        #expect(csv.contains("PAYMENT_RECOVERED_APPROVED"))
        #expect(FileManager.default.fileExists(atPath: demo.appendingPathComponent("out/reconciliation.xml").path))
        // What it wrote out is Samples/, byte for byte, and nothing else.
        let samples = QuadraBinary.packageRoot.appendingPathComponent("Samples")
        let written = demo.appendingPathComponent("samples")
        let writtenPaths = try #require(FileManager.default.enumerator(atPath: written.path)).compactMap {
            path -> String? in
            guard let path = path as? String else { return nil }
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: written.appendingPathComponent(path).path, isDirectory: &isDirectory)
            return isDirectory.boolValue ? nil : path
        }
        let expected = try Self.embeddedSamples()
        #expect(writtenPaths.sorted() == expected)
        #expect(expected.count > 15 && expected.contains("night-2026-11-21/pos/T2.jsonl.gz"))
        for path in expected {
            let original = try Data(contentsOf: samples.appendingPathComponent(path))
            let copy = try Data(contentsOf: written.appendingPathComponent(path))
            #expect(copy == original, "\(path) differs from Samples/")
        }
        let key = try FileManager.default.attributesOfItem(
            atPath: written.appendingPathComponent("certificates/E001-000001.key").path)
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!FileManager.default.fileExists(atPath: written.appendingPathComponent("certificates/ca.key").path))
    }

    @Test func theEmbeddedSourceIsTheScriptsOutputForSamplesAsTheyAre() async throws {
        let root = QuadraBinary.packageRoot
        let fresh = try QuadraBinary.temporaryDirectory("embed").appendingPathComponent("DemoNight.swift")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/embed-demo-night.sh").path, fresh.path]
        // Waited for without blocking a Swift concurrency thread (other tests host simulators in this process).
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 0)
        let committed = try Data(contentsOf: root.appendingPathComponent("Sources/quadra/DemoNight.swift"))
        #expect(
            try Data(contentsOf: fresh) == committed,
            "Sources/quadra/DemoNight.swift is stale: run scripts/embed-demo-night.sh")
    }
}
