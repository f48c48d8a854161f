import Foundation
import QuadraTestSupport
import QuadraXML
import Testing

/// Runs the built binary on Samples/ and compares every output with its golden file.
/// Re-record the goldens with `RECORD_GOLDENS=1 swift test --filter SampleNightTests`.
@Suite struct SampleNightTests {
    static let night = "Samples/night-2026-11-21"
    static let asOf = "2026-11-22T06:00:00+01:00"
    static let goldens = QuadraBinary.packageRoot.appendingPathComponent(
        "Tests/QuadraEndToEndTests/Fixtures/night-2026-11-21")
    static let outputs = [
        "findings.csv", "findings.xlsx", "reconciliation.xml", "summary.html", "manifest.json",
        "uploads/E001-000001/2026-11-21.json", "uploads/E001-000001/2026-11-21.xml",
    ]

    @Test func sampleNightMatchesGoldens() async throws {
        let out = try QuadraBinary.temporaryDirectory("sample")
        let result = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", Self.asOf,
        ])
        #expect(result.status == 1, "the sample night has action findings: \(result.stderr)")
        #expect(result.stdout.contains("OFFLINE_RECORD_UNSUBMITTED 3"))
        let written = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { !$0.hasSuffix("/") }
            .filter { path in
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: out.appendingPathComponent(path).path, isDirectory: &isDirectory)
                return !isDirectory.boolValue
            }
        #expect(Set(written) == Set(Self.outputs), "no temporary or extra file is left behind")
        for name in Self.outputs {
            let golden = Self.goldens.appendingPathComponent(name)
            if let problem = try Goldens.problem(actual: out.appendingPathComponent(name), golden: golden) {
                Issue.record(Comment(rawValue: problem))
            }
        }
    }

    @Test func everyOfflineReachableCodeAppears() async throws {
        let out = try QuadraBinary.temporaryDirectory("codes")
        _ = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", Self.asOf,
        ])
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        let codes = Set(csv.split(separator: "\r\n").dropFirst().map { String($0.prefix { $0 != "," }) })
        let offlineReachable: Set<String> = [
            "PAYMENT_IN_PROGRESS", "PAYMENT_MANUAL_OVERRIDE", "PAYMENT_AMOUNT_MISMATCH", "DOUBLE_CHARGE",
            "RECEIPT_MISSING", "RECEIPT_NOT_IN_JOURNAL", "RECEIPT_AMOUNT_MISMATCH", "RECEIPT_FOR_UNPAID_SALE",
            "ORPHAN_RECEIPT", "RECEIPT_DURING_OFFLINE", "OFFLINE_SALE_NOT_RECORDED", "OFFLINE_RECORD_UNSUBMITTED",
            "OFFLINE_PERIOD_NOT_NOTIFIED", "JOURNAL_NOT_CLOSED", "COMMUNICATION_INCIDENT", "PLATFORM_OFFLINE",
            "ACUBE_DATA_MISSING", "INPUT_REJECTED",
        ]
        #expect(codes == offlineReachable)
    }

    @Test func twoRunsWithTheSameAsOfAreByteIdentical() async throws {
        let first = try QuadraBinary.temporaryDirectory("first")
        let second = try QuadraBinary.temporaryDirectory("second")
        for out in [first, second] {
            _ = try await QuadraBinary.runAsync([
                "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", Self.asOf,
            ])
        }
        for name in Self.outputs {
            let a = try Data(contentsOf: first.appendingPathComponent(name))
            let b = try Data(contentsOf: second.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between two runs")
        }
    }

    @Test func reportIsValidAgainstTheSchema() async throws {
        let out = try QuadraBinary.temporaryDirectory("valid")
        _ = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", Self.asOf,
        ])
        let report = out.appendingPathComponent("reconciliation.xml")
        let validation = SchemaValidator.validate(url: report, displayPath: "reconciliation.xml")
        #expect(validation.isValid, "\(validation.diagnostics)")
        let command = try await QuadraBinary.runAsync([
            "validate", report.path, Self.night + "/emergency/register-T2.xml",
        ])
        #expect(command.status == 0)
        #expect(command.stdout.contains("valid"))
    }

    /// A register whose bytes its declared encoding cannot convert (found by scripts/fuzz.sh): libxml2's own
    /// messages never reach standard error; the reason is in the rejection.
    @Test func libxml2PrintsNothingOnStandardErrorForAnUndecodableRegister() async throws {
        let register = QuadraBinary.packageRoot.appendingPathComponent(
            "Tests/QuadraXMLTests/Fixtures/invalid/undecodable.xml")
        let command = try await QuadraBinary.runAsync(["validate", register.path])
        #expect(command.status == 1)
        #expect(command.stderr == "", "libxml2 wrote: \(command.stderr)")
        #expect(command.stdout.contains("input conversion failed due to input error, bytes 0xFF 0xFF 0x7F 0x76"))
        let night = try QuadraBinary.temporaryDirectory("undecodable")
        try FileManager.default.createDirectory(
            at: night.appendingPathComponent("emergency"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: register, to: night.appendingPathComponent("emergency/r.xml"))
        let out = try QuadraBinary.temporaryDirectory("undecodable-out")
        let run = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", night.path, "--out", out.path, "--as-of", Self.asOf, "--state",
            out.appendingPathComponent("state.sqlite").path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr == "", "libxml2 wrote: \(run.stderr)")
        let findings = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        #expect(findings.contains("emergency/r.xml:2: not well-formed XML, so the whole file is rejected: 2 errors: "))
    }

    @Test func staleUploadsAreRemovedAndOthersKept() async throws {
        let out = try QuadraBinary.temporaryDirectory("stale")
        let stale = out.appendingPathComponent("uploads/E001-000001/2026-11-19.json")
        try FileManager.default.createDirectory(
            at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: stale)
        let unrelated = out.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: unrelated)
        _ = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", Self.asOf,
        ])
        #expect(!FileManager.default.fileExists(atPath: stale.path), "an upload this run did not prepare is removed")
        #expect(FileManager.default.fileExists(atPath: unrelated.path), "files that are not uploads are left alone")
    }

    @Test func unusableRunsExitTwoAndWriteNothing() async throws {
        let parent = try QuadraBinary.temporaryDirectory("bad")
        let out = parent.appendingPathComponent("out")
        let missing = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", "/nonexistent/night", "--out", out.path,
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/night"))
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written when the run cannot be done")
        let badAsOf = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", "yesterday",
        ])
        #expect(badAsOf.status == 2)
        #expect(badAsOf.stderr.contains("--as-of"))
        let badZone = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--timezone", "Mars/Olympus",
        ])
        #expect(badZone.status == 2)
        #expect(badZone.stderr.contains("Mars/Olympus"))
        let usage = try await QuadraBinary.runAsync(["run", "--offline"])
        #expect(usage.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func logLinesFollowTheLevelAndStderrIsQuietByDefault() async throws {
        let out = try QuadraBinary.temporaryDirectory("logs")
        let quiet = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", out.path, "--as-of", Self.asOf,
        ])
        #expect(quiet.stderr.isEmpty, "no terminal, default level: nothing on stderr")
        #expect(quiet.stdout.contains("Next steps:\n  1. refund the extra charge (DOUBLE_CHARGE ×1)"))
        let info = try await QuadraBinary.runAsync([
            "run", "--offline", "--quiet", "--log-level", "info", "--input", Self.night, "--out", out.path, "--as-of",
            Self.asOf,
        ])
        #expect(info.stderr.contains("read the night"))
        #expect(info.stderr.contains("files=11"))
        let bad = try await QuadraBinary.runAsync([
            "run", "--offline", "--log-level", "chatty", "--input", Self.night, "--out", out.path,
        ])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--log-level"))
    }

    @Test(arguments: [
        [], ["run"], ["fetch"], ["prepare"], ["submit"], ["validate"], ["demo"], ["generate"], ["simulate"],
        ["simulate", "spice"], ["simulate", "acube"], ["reports"], ["reports", "list"], ["reports", "record"],
        ["reports", "not-filed"], ["reports", "baseline"],
    ])
    func everyCommandsHelpHasAnExampleAndTheExitCodes(command: [String]) async throws {
        let help = try await QuadraBinary.runAsync(command + ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Example"), "\(command)")
        #expect(help.stdout.contains("Exit status"), "\(command)")
    }

    @Test func helpListsExitCodesAndAnExample() async throws {
        let help = try await QuadraBinary.runAsync(["run", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit status"))
        #expect(help.stdout.contains("Example"))
        #expect(help.stdout.contains("--as-of"))
    }

    @Test func prepareTurnsRegistersIntoUploads() async throws {
        let out = try QuadraBinary.temporaryDirectory("prepare")
        let result = try await QuadraBinary.runAsync([
            "prepare", "--out", out.path, "--as-of", Self.asOf, Self.night + "/emergency/register-T1.csv",
            Self.night + "/emergency/register-T2.xml",
        ])
        #expect(result.status == 1, "register-T1.csv has one bad row")
        #expect(result.stderr.contains("register-T1.csv:5: bad payment"))
        let day21 = try String(
            contentsOf: out.appendingPathComponent("uploads/E001-000001/2026-11-21.json"), encoding: .utf8)
        #expect(day21.contains("\"documents_count\": 3"))
        #expect(day21.contains("\"cash_payment_amount\": \"42.50\""))
        // A supplier's preparation knows nothing of coverage: the 20th is prepared too.
        #expect(
            FileManager.default.fileExists(
                atPath: out.appendingPathComponent("uploads/E001-000001/2026-11-20.json").path))
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        #expect(csv.contains("INPUT_REJECTED"))
    }
}
