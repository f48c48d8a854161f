import Foundation
import QuadraCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a run may write and open: only inside OUT, only regular files of the night, and OUT always a complete
/// set with a true manifest, whatever stops the run.
@Suite struct OutputSafetyTests {
    static let asOf = "2026-11-22T06:00:00+01:00"

    // MARK: - Paths

    @Test func aPEMThatIsNotASerialIsRejectedAndNothingIsWrittenOutsideOut() async throws {
        let root = try QuadraBinary.temporaryDirectory("pem-path")
        let night = root.appendingPathComponent("n/night")
        let escape = "../../../x"
        try write(
            night, "pos/T1.jsonl",
            """
            {"ts":"2026-11-21T10:00:00+01:00","event":"sale","terminal":"T1","sale":"S-1","pem":"\(escape)","total":"5.00","payment":"cash","lines":[{"vat":"22.00","gross":"5.00"}]}
            {"ts":"2026-11-21T10:01:00+01:00","event":"receipt_failed","terminal":"T1","sale":"S-1","pem":"a/b","reason":"offline"}
            {"ts":"2026-11-21T10:02:00+01:00","event":"sale","terminal":"T1","sale":"S-2","pem":"E001-000001","total":"5.00","payment":"cash","lines":[{"vat":"22.00","gross":"5.00"}]}

            """)
        try write(
            night, "emergency/r.csv",
            """
            pem,recorded_at,sale,payment,vat_rate_code,gross
            \(escape),2026-11-21 10:00,S-1,cash,22.00,5.00
            E001-000001,2026-11-21 10:02,S-2,cash,22.00,5.00

            """)
        try write(
            night, "emergency/r.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <emergencyRegister xmlns="urn:quadra:emergency-register:1" pem="..">
              <entry recordedAt="2026-11-21 11:00" payment="cash"><line vatRateCode="22.00" gross="3.00"/></entry>
            </emergencyRegister>

            """)
        let before = try filesUnder(root)
        let out = root.appendingPathComponent("n/a/out")
        let run = try await QuadraBinary.runOffline(night, out, root: root)
        #expect(run.status == 1, "\(run.stderr)")
        let prepared = root.appendingPathComponent("n/b/out")
        let prepare = try await QuadraBinary.runAsync([
            "prepare", "--out", prepared.path, night.appendingPathComponent("emergency/r.csv").path,
        ])
        #expect(prepare.status == 1, "\(prepare.stderr)")
        // Every new file is inside one of the two output folders, and the good PEM still got its upload.
        let added = try filesUnder(root).subtracting(before)
        let outside = added.filter { !$0.hasPrefix("n/a/out/") && !$0.hasPrefix("n/b/out/") }
        #expect(outside.isEmpty, "written outside OUT: \(outside.sorted())")
        #expect(added.contains("n/a/out/uploads/E001-000001/2026-11-21.json"))
        #expect(added.contains("n/b/out/uploads/E001-000001/2026-11-21.json"))
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        let rejected = csv.split(separator: "\r\n").filter { $0.hasPrefix("INPUT_REJECTED,") }
        for location in ["pos/T1.jsonl:1:", "pos/T1.jsonl:2:", "emergency/r.csv:2:", "emergency/r.xml:3:"] {
            #expect(
                rejected.contains { $0.contains(location) && $0.contains("expected a PEM serial number") },
                "\(location) in \(rejected)")
        }
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(!manifest.contains(".."))
        let validate = try await QuadraBinary.validateReport(in: out)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }

    @Test func aPEMFolderOrConfiguredSerialThatIsNotASerialIsRefused() async throws {
        let root = try QuadraBinary.temporaryDirectory("pem-folder")
        let night = root.appendingPathComponent("night")
        try write(night, "acube/E 001/receipts-1.json", #"{"members":[]}"#)
        try write(night, "acube/E001-000001/receipts-1.json", #"{"members":[]}"#)
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runOffline(night, out, root: root)
        #expect(run.status == 1)
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        #expect(csv.contains("INPUT_REJECTED,warning") || csv.contains("INPUT_REJECTED,"))
        #expect(csv.contains("acube/E 001: bad folder name: expected a PEM serial number"))
        let config = root.appendingPathComponent("quadra.toml")
        try Data("[acube]\npems = [\"E001-000001\", \"../etc\"]\n".utf8).write(to: config)
        let fetch = try await QuadraBinary.runAsync([
            "fetch", "--config", config.path, "--date", "2026-11-21", "--into", night.path,
        ])
        #expect(fetch.status == 2)
        #expect(fetch.stderr.contains("acube.pems"), "\(fetch.stderr)")
        #expect(fetch.stderr.contains("expected a PEM serial number"), "\(fetch.stderr)")
    }

    // MARK: - Entries that are not regular files

    @Test func entriesThatAreNotRegularFilesAreReportedAndNeverOpened() async throws {
        let root = try QuadraBinary.temporaryDirectory("fifo")
        let night = root.appendingPathComponent("night")
        try write(
            night, "pos/T1.jsonl",
            #"{"ts":"2026-11-21T10:02:00+01:00","event":"sale","terminal":"T1","sale":"S-2","pem":"E001-000001","total":"5.00","payment":"cash","lines":[{"vat":"22.00","gross":"5.00"}]}"#
                + "\n")
        try write(night, "pos/older/T0.jsonl", "")
        try write(night, "emergency/archive/r.csv", "")
        try write(night, "acube/E001-000001/journals.json", #"{"members":[]}"#)
        // FIFOs with no writer: opening one blocking would hang the run for ever.
        for path in ["pos/T9.jsonl", "emergency/r.csv", "acube/E001-000001/receipts-1.json"] {
            #expect(mkfifo(night.appendingPathComponent(path).path, 0o644) == 0)
        }
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runOffline(night, out, root: root)
        #expect(run.status == 1, "\(run.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        let rejected = csv.split(separator: "\r\n").filter { $0.hasPrefix("INPUT_REJECTED,") }.joined(separator: "\n")
        #expect(rejected.contains("pos/T9.jsonl: not a regular file (a FIFO): not read"), "\(rejected)")
        #expect(rejected.contains("emergency/r.csv: not a regular file (a FIFO): not read"), "\(rejected)")
        #expect(rejected.contains("acube/E001-000001/receipts-1.json"), "\(rejected)")
        #expect(rejected.contains("pos/older: a folder"), "\(rejected)")
        #expect(rejected.contains("emergency/archive: a folder"), "\(rejected)")
        // Details name files relative to the night, never by the machine's absolute paths.
        #expect(!csv.contains(root.path), "\(rejected)")
        #expect(!csv.contains("NSCocoaErrorDomain"))
        let validate = try await QuadraBinary.validateReport(in: out)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }

    // MARK: - OUT as a set

    @Test func leftoversOfAKilledRunAreRemovedAndAnUnfinishedCommitIsFinished() async throws {
        let root = try QuadraBinary.temporaryDirectory("leftovers")
        let night = root.appendingPathComponent("night")
        try copySampleNight(to: night)
        let out = root.appendingPathComponent("out")
        let first = try await run(night, out, root)
        #expect(first.status == 1, "\(first.stderr)")
        let complete = try snapshot(out)
        // A killed run's temporaries, here and in an upload folder.
        try write(out, ".findings.csv.tmp-99999", "torn")
        try write(out, "uploads/E001-000001/.2026-11-20.json.tmp-4242", "torn")
        // A commit that stopped half way: the journal, one temporary still to rename, and no manifest.
        let manifest = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("manifest.json"))
        try manifest.write(to: out.appendingPathComponent(".manifest.json.tmp-77777"))
        try write(
            out, ".quadra-commit",
            "rename\t.findings.csv.tmp-77776\tfindings.csv\nrename\t.manifest.json.tmp-77777\tmanifest.json\n")
        let second = try await run(night, out, root)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(try snapshot(out) == complete)
        let leftovers = try hiddenLeftovers(out)
        #expect(leftovers.isEmpty, "\(leftovers)")
        #expect(try manifestIsTrue(out))
    }

    @Test func aWriteThatFailsLeavesThePreviousSetWhole() async throws {
        let root = try QuadraBinary.temporaryDirectory("full-disk")
        let small = root.appendingPathComponent("small")
        try copySampleNight(to: small)
        let out = root.appendingPathComponent("out")
        #expect(try await run(small, out, root).status == 1)
        let previous = try snapshot(out)
        // A night whose reports are bigger than the file size limit: the writes fail with EFBIG, as a disk that
        // fills up would fail them, after the small files were ready.
        let big = root.appendingPathComponent("big")
        var rows = "pem,recorded_at,sale,payment,vat_rate_code,gross\n"
        for index in 0..<4000 {
            rows +=
                "E001-00000\(index % 3 + 1),2026-11-21 \(10 + index % 9):\(10 + index % 50),R-\(index),cash,22.00,1.00\n"
        }
        try write(big, "emergency/r.csv", rows)
        let limited = try await QuadraBinary.runOffline(
            big, out, root: root, shellPrefix: "trap '' XFSZ; ulimit -f 200")
        #expect(limited.status == 2, "\(limited.stderr)")
        #expect(limited.stderr.contains("File too large"), "\(limited.stderr)")
        #expect(try snapshot(out) == previous)
        let leftovers = try hiddenLeftovers(out)
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// SIGTERM and SIGINT at any moment leave OUT as the previous set or the new one, and no temporary file;
    /// SIGKILL cannot be handled, yet the manifest, when present, is always true, and the next run finishes.
    @Test func signalsAtAnyMomentLeaveACompleteSetAndATrueManifest() async throws {
        let root = try QuadraBinary.temporaryDirectory("signals")
        // Two nights whose sets differ in every file; each trial interrupts a run of one over the other's set.
        var nights: [URL] = []
        for seed in [5, 6] {
            let night = root.appendingPathComponent("night-\(seed)")
            let generate = try await QuadraBinary.runAsync([
                "generate", "--sales", "6000", "--pems", "4", "--terminals", "8", "--seed", String(seed), "--out",
                night.path, "--platform-outage", "0.5", "--client-outage", "0.5",
            ])
            #expect(generate.status == 0, "\(generate.stderr)")
            nights.append(night)
        }
        let out = root.appendingPathComponent("out")
        var sets: [[String: Data]] = []
        var span = 50
        let clock = ContinuousClock()
        for night in nights {
            let started = clock.now
            #expect(try await run(night, out, root).status == 1)
            let elapsed = clock.now - started
            span = max(
                span,
                Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000))
            sets.append(try snapshot(out))
        }
        #expect(sets[0] != sets[1])
        var generator = SystemRandomNumberGenerator()
        var outcomes: [String: Int] = [:]
        for trial in 0..<9 {
            // OUT holds the set of night `trial % 2`; the run writes the other's.
            let (old, new) = (sets[(trial + 1) % 2], sets[trial % 2])
            let night = nights[trial % 2]
            let signal = [SIGTERM, SIGINT, SIGKILL][trial % 3]
            let delay = Int.random(in: 0...(span + span / 4), using: &generator)
            let result = try await run(night, out, root, interrupt: (signal, delay))
            let now = try snapshot(out)
            if signal == SIGKILL {
                if FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path) {
                    #expect(try manifestIsTrue(out), "trial \(trial): SIGKILL after \(delay) ms")
                }
            } else {
                #expect(now == old || now == new, "trial \(trial): signal \(signal) after \(delay) ms")
                let leftovers = try hiddenLeftovers(out)
                #expect(leftovers.isEmpty, "trial \(trial): \(leftovers)")
                #expect([1, 128 + signal].contains(result.status), "trial \(trial): \(result.status)")
                if result.status == 128 + signal {
                    #expect(result.stderr.contains("interrupted by"), "\(result.stderr)")
                }
            }
            outcomes[now == old ? "old" : now == new ? "new" : "other", default: 0] += 1
            // Whatever happened, the next run ends with the new set, whole.
            #expect(try await run(night, out, root).status == 1)
            #expect(try snapshot(out) == new)
            let leftovers = try hiddenLeftovers(out)
            #expect(leftovers.isEmpty)
        }
        #expect(outcomes["old", default: 0] + outcomes["new", default: 0] >= 6, "\(outcomes)")
    }

    // MARK: - Helpers

    private func run(
        _ night: URL, _ out: URL, _ root: URL, interrupt: (signal: Int32, afterMilliseconds: Int)? = nil
    ) async throws -> QuadraBinary.Result {
        try await QuadraBinary.runOffline(night, out, root: root, interrupt: interrupt)
    }

    private func write(_ base: URL, _ path: String, _ text: String) throws {
        let url = base.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func copySampleNight(to night: URL) throws {
        try FileManager.default.copyItem(
            at: QuadraBinary.packageRoot.appendingPathComponent("Samples/night-2026-11-21"), to: night)
    }

    /// Every file under `root`, relative to it.
    private func filesUnder(_ root: URL) throws -> Set<String> {
        var files: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let item = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.insert(item) }
        }
        return files
    }

    /// The visible files of OUT with their bytes.
    private func snapshot(_ out: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in try filesUnder(out) where !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            files[path] = try Data(contentsOf: out.appendingPathComponent(path))
        }
        return files
    }

    /// Hidden files of OUT: temporaries and journals left behind.
    private func hiddenLeftovers(_ out: URL) throws -> [String] {
        try filesUnder(out).filter { path in path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) }
            .sorted()
    }

    /// Whether manifest.json lists exactly the visible files beside it, with their hashes.
    private func manifestIsTrue(_ out: URL) throws -> Bool {
        let data = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let outputs = try #require(object["outputs"] as? [[String: Any]])
        var listed: Set<String> = ["manifest.json"]
        for output in outputs {
            let path = try #require(output["path"] as? String)
            let bytes = try [UInt8](Data(contentsOf: out.appendingPathComponent(path)))
            guard SHA256.hexDigest(of: bytes) == output["sha256"] as? String else { return false }
            listed.insert(path)
        }
        return Set(try snapshot(out).keys) == listed
    }
}

/// Amounts an attacker or a broken POS could write: each record that is too big is rejected, the night goes on.
@Suite struct HugeAmountTests {
    @Test func hugeAmountsRejectTheirRecordsNotTheNight() async throws {
        let root = try QuadraBinary.temporaryDirectory("huge")
        let night = root.appendingPathComponent("night")
        let big = "999999999999999.99"  // 15 digits of euros: read before, and 100 of them overflowed 64 bits
        var pos = ""
        for index in 0..<3 {
            pos +=
                #"{"ts":"2026-11-21T10:0\#(index):00+01:00","event":"sale","terminal":"T1","sale":"S-\#(index)","pem":"E001-000001","total":"\#(big)","payment":"electronic","lines":[{"vat":"22.00","gross":"\#(big)"}]}"#
                + "\n"
            pos +=
                #"{"ts":"2026-11-21T10:0\#(index):01+01:00","event":"payment_response","terminal":"T1","sale":"S-\#(index)","posRefId":"p-\#(index)","success":true,"amount":9223372036854775807}"#
                + "\n"
        }
        pos +=
            #"{"ts":"2026-11-21T11:00:00+01:00","event":"sale","terminal":"T1","sale":"S-9","pem":"E001-000001","total":"4.00","payment":"cash","lines":[{"vat":"22.00","gross":"4.00"}]}"#
            + "\n"
        var rows = "pem,recorded_at,sale,payment,vat_rate_code,gross\n"
        for index in 0..<100 { rows += "E001-000001,2026-11-21 12:\(10 + index % 50),R-\(index),cash,22.00,\(big)\n" }
        rows += "E001-000001,2026-11-21 13:00,S-9,cash,22.00,4.00\n"
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: night.appendingPathComponent("pos"), withIntermediateDirectories: true)
        try fileManager.createDirectory(
            at: night.appendingPathComponent("emergency"), withIntermediateDirectories: true)
        try Data(pos.utf8).write(to: night.appendingPathComponent("pos/T1.jsonl"))
        try Data(rows.utf8).write(to: night.appendingPathComponent("emergency/r.csv"))
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runOffline(night, out, root: root)
        #expect(run.status == 1, "\(run.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        let rejected = csv.split(separator: "\r\n").filter { $0.hasPrefix("INPUT_REJECTED,") }
        #expect(rejected.count == 106, "\(rejected.count)")
        // The one sane sale and row made their upload.
        let upload = try String(
            contentsOf: out.appendingPathComponent("uploads/E001-000001/2026-11-21.json"), encoding: .utf8)
        #expect(upload.contains("\"cash_payment_amount\": \"4.00\"") || upload.contains("\"4.00\""), "\(upload)")
        let validate = try await QuadraBinary.validateReport(in: out)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let prepared = root.appendingPathComponent("prepared")
        let prepare = try await QuadraBinary.runAsync([
            "prepare", "--out", prepared.path, night.appendingPathComponent("emergency/r.csv").path,
        ])
        #expect(prepare.status == 1, "\(prepare.stderr)")
        #expect(
            fileManager.fileExists(atPath: prepared.appendingPathComponent("uploads/E001-000001/2026-11-21.json").path))
    }
}

@Suite struct ExtremeDateTests {
    @Test func yearsOutsideTheCalendarAreRejectedAndTheReportStaysValid() async throws {
        let root = try QuadraBinary.temporaryDirectory("dates")
        let night = root.appendingPathComponent("night")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: night.appendingPathComponent("pos"), withIntermediateDirectories: true)
        try fileManager.createDirectory(
            at: night.appendingPathComponent("emergency"), withIntermediateDirectories: true)
        let pos =
            [
                #"{"ts":"0000-01-01T10:00:00+01:00","event":"sale","terminal":"T1","sale":"S-1","pem":"E001-000001","total":"4.00","payment":"cash","lines":[{"vat":"22.00","gross":"4.00"}]}"#,
                #"{"ts":"9999-12-31T23:30:00-10:00","event":"sale","terminal":"T1","sale":"S-2","pem":"E001-000001","total":"4.00","payment":"cash","lines":[{"vat":"22.00","gross":"4.00"}]}"#,
            ].joined(separator: "\n") + "\n"
        try Data(pos.utf8).write(to: night.appendingPathComponent("pos/T1.jsonl"))
        let rows = """
            pem,recorded_at,sale,payment,vat_rate_code,gross
            E001-000001,0000-01-01 10:00,,cash,22.00,1.00
            E001-000001,9999-12-31T23:30:00-10:00,,cash,22.00,1.00

            """
        try Data(rows.utf8).write(to: night.appendingPathComponent("emergency/r.csv"))
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runOffline(night, out, root: root)
        #expect(run.status == 1, "\(run.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\r\n").filter { $0.hasPrefix("INPUT_REJECTED,") }.count == 4)
        #expect(!fileManager.fileExists(atPath: out.appendingPathComponent("uploads").path))
        let validate = try await QuadraBinary.validateReport(in: out)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }
}

extension QuadraBinary {
    /// `quadra run --offline` of `night` into `out`, pinned to `OutputSafetyTests.asOf`, with no state store.
    static func runOffline(
        _ night: URL, _ out: URL, root: URL, interrupt: (signal: Int32, afterMilliseconds: Int)? = nil,
        shellPrefix: String? = nil
    ) async throws -> Result {
        try await runAsync(
            [
                "run", "--offline", "--input", night.path, "--out", out.path, "--as-of", OutputSafetyTests.asOf,
                "--state", root.appendingPathComponent("none.sqlite").path,
            ], interrupt: interrupt, shellPrefix: shellPrefix)
    }

    /// `quadra validate` of OUT's reconciliation.xml.
    static func validateReport(in out: URL) async throws -> Result {
        try await runAsync(["validate", out.appendingPathComponent("reconciliation.xml").path])
    }
}
