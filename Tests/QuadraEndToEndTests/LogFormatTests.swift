import Foundation
import Testing

/// `--log-format json`: every line the binary writes on standard error is one JSON object with the record's fields.
@Suite struct LogFormatTests {
    static let night = QuadraBinary.packageRoot.appendingPathComponent("Samples/night-2026-11-21").path
    static let levels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Parses every line of `stderr` as a record and checks its fields; returns the records.
    static func records(_ stderr: String) throws -> [[String: Any]] {
        #expect(stderr.isEmpty || stderr.hasSuffix("\n"), "the last record ends its line")
        var records: [[String: Any]] = []
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            let record = try #require(object as? [String: Any], "\(line)")
            let timestamp = try #require(record["timestamp"] as? String, "\(line)")
            #expect(timestamp.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/#) != nil, "\(timestamp)")
            #expect(
                (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp)) != nil,
                "RFC 3339: \(timestamp)")
            #expect(Self.levels.contains(record["level"] as? String ?? ""), "\(line)")
            #expect((record["label"] as? String)?.hasPrefix("quadra") == true, "\(line)")
            #expect(!((record["message"] as? String) ?? "").isEmpty, "\(line)")
            if let metadata = record["metadata"] {
                #expect(metadata is [String: String], "metadata as string fields: \(line)")
            }
            let allowed: Set<String> = ["timestamp", "level", "label", "message", "source", "metadata"]
            #expect(Set(record.keys).isSubset(of: allowed), "\(line)")
            records.append(record)
        }
        return records
    }

    @Test func aNightWithAWarningAndLogLinesWritesOnlyJSONOnStandardError() async throws {
        let root = try QuadraBinary.temporaryDirectory("json-log")
        // Online with no Spice configured: a warning; --log-level info: a line per stage.
        let run = try await QuadraBinary.runAsync(
            [
                "run", "--input", Self.night, "--out", root.appendingPathComponent("out").path, "--as-of",
                "2026-11-22T06:00:00+01:00", "--state", root.appendingPathComponent("state.sqlite").path,
                "--log-format", "json", "--log-level", "info",
            ], in: root)
        #expect(run.status == 1, "\(run.stderr)")
        let records = try Self.records(run.stderr)
        #expect(records.count >= 3, "\(run.stderr)")
        let warning = try #require(records.first { $0["level"] as? String == "warning" }, "\(run.stderr)")
        #expect(warning["label"] as? String == "quadra")
        #expect(
            (warning["message"] as? String)?.hasPrefix(
                "no Spice is configured ([spice] default_url or [spice.terminals], and no --config or QUADRA_CONFIG)")
                == true)
        let wrote = try #require(records.first { $0["message"] as? String == "wrote the reports" }, "\(run.stderr)")
        #expect(wrote["level"] as? String == "info")
        #expect(wrote["label"] as? String == "quadra.run")
        let seconds = try #require((wrote["metadata"] as? [String: String])?["seconds"])
        #expect(Double(seconds) != nil, "\(seconds)")
        // Standard output is the summary, as with text.
        #expect(run.stdout.contains("OFFLINE_RECORD_UNSUBMITTED"))

        // A run that cannot be done: its message is a record too.
        let failed = try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--input", root.appendingPathComponent("missing").path, "--out",
                root.appendingPathComponent("out2").path, "--log-format", "json",
            ], in: root)
        #expect(failed.status == 2)
        let failure = try #require(try Self.records(failed.stderr).first)
        #expect(failure["level"] as? String == "error")
        #expect((failure["message"] as? String)?.contains("missing") == true, "\(failed.stderr)")

        // Text stays the default, as it was.
        let text = try await QuadraBinary.runAsync(
            [
                "run", "--input", Self.night, "--out", root.appendingPathComponent("out3").path, "--as-of",
                "2026-11-22T06:00:00+01:00", "--state", root.appendingPathComponent("state.sqlite").path,
            ], in: root)
        #expect(text.stderr.hasPrefix("quadra: warning: no Spice is configured"), "\(text.stderr)")
        let bad = try await QuadraBinary.runAsync(["run", "--log-format", "xml", "--input", "x", "--out", "y"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--log-format: expected text or json"), "\(bad.stderr)")
    }

    @Test func quietStaysSilentInJSON() async throws {
        let root = try QuadraBinary.temporaryDirectory("json-quiet")
        let empty = root.appendingPathComponent("night")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let clean = try await QuadraBinary.runAsync([
            "run", "--offline", "--quiet", "--log-format", "json", "--input", empty.path, "--out",
            root.appendingPathComponent("out").path, "--as-of", "2026-11-22T06:00:00+01:00", "--state",
            root.appendingPathComponent("none.sqlite").path,
        ])
        #expect(clean.status == 0)
        #expect(clean.stdout.isEmpty && clean.stderr.isEmpty, "\(clean.stdout)\(clean.stderr)")
    }

    @Test func aSubmittingRunLoggingEverythingKeepsItsSecrets() async throws {
        let simulator = try await AcubeSubmissionTests.startAcube()
        defer { Task { await simulator.shutdown() } }
        let root = try AcubeSubmissionTests.workspace(simulator)
        let result = try await AcubeSubmissionTests.run(
            root, ["--submit", "--log-format", "json", "--log-level", "trace"])
        #expect(result.status == 1, "\(result.stderr)")
        let records = try Self.records(result.stderr)
        #expect(records.contains { $0["level"] as? String == "info" }, "\(result.stderr)")
        let token = try #require(
            simulator.requests.compactMap { $0.headers["authorization"] }.first?.replacingOccurrences(
                of: "Bearer ", with: ""))
        for text in [result.stdout, result.stderr] {
            #expect(!text.contains(AcubeSubmissionTests.password), "the password leaked")
            #expect(!text.contains(token), "the token leaked")
        }
    }
}
