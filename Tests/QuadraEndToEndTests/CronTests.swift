import Foundation
import Testing

/// As cron runs Quadra: the configuration named once by `QUADRA_CONFIG`, the state store where it says, and a
/// warning when an online run has no Spice to ask.
@Suite struct CronTests {
    static let night = QuadraBinary.packageRoot.appendingPathComponent("Samples/night-2026-11-21").path

    @Test func quadraConfigNamesTheConfigurationAndItsStateStoreIsUsed() async throws {
        let root = try QuadraBinary.temporaryDirectory("cron")
        let etc = root.appendingPathComponent("etc")
        let work = root.appendingPathComponent("work")
        for folder in [etc, work, root.appendingPathComponent("var")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        try Data("timezone = \"Europe/Rome\"\nstate = \"../var/state.sqlite\"\n".utf8)
            .write(to: etc.appendingPathComponent("quadra.toml"))
        let run = try await QuadraBinary.runAsync(
            [
                "run", "--input", Self.night, "--out", root.appendingPathComponent("out").path,
                "--as-of", "2026-11-22T06:00:00+01:00",
            ],
            in: work, environment: ["QUADRA_CONFIG": etc.appendingPathComponent("quadra.toml").path])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("var/state.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("quadra-state.sqlite").path))
        // The configuration has no [spice]: said, not skipped in silence.
        #expect(
            run.stderr.contains("quadra: warning: no Spice is configured ([spice] default_url or [spice.terminals])"))
        #expect(!run.stderr.contains("no --config or QUADRA_CONFIG"))

        // --state wins over the configuration's.
        let explicit = try await QuadraBinary.runAsync(
            [
                "run", "--input", Self.night, "--out", root.appendingPathComponent("out2").path,
                "--as-of", "2026-11-22T06:00:00+01:00", "--state", "mine.sqlite",
            ],
            in: work, environment: ["QUADRA_CONFIG": etc.appendingPathComponent("quadra.toml").path])
        #expect(explicit.status == 1)
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("mine.sqlite").path))
    }

    @Test func aForgottenConfigurationIsSaid() async throws {
        let root = try QuadraBinary.temporaryDirectory("cron-none")
        let run = try await QuadraBinary.runAsync(
            [
                "run", "--input", Self.night, "--out", root.appendingPathComponent("out").path,
                "--as-of", "2026-11-22T06:00:00+01:00",
            ],
            in: root)
        #expect(run.status == 1)
        #expect(
            run.stderr.contains(
                "no Spice is configured ([spice] default_url or [spice.terminals], and no --config or QUADRA_CONFIG)"))
        let offline = try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--input", Self.night, "--out", root.appendingPathComponent("out2").path,
                "--as-of", "2026-11-22T06:00:00+01:00",
            ],
            in: root)
        #expect(!offline.stderr.contains("warning"), "--offline says it is meant: \(offline.stderr)")
        let fetch = try await QuadraBinary.runAsync(
            ["fetch", "--date", "2026-11-21", "--into", root.appendingPathComponent("night").path], in: root)
        #expect(fetch.status == 2)
        #expect(fetch.stderr.contains("name the configuration file: --config FILE, or QUADRA_CONFIG=FILE"))
    }

    @Test func quietSaysNothingWhenNothingNeedsAction() async throws {
        let root = try QuadraBinary.temporaryDirectory("quiet")
        let empty = root.appendingPathComponent("night")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let arguments = [
            "run", "--offline", "--input", empty.path, "--out", root.appendingPathComponent("out").path,
            "--as-of", "2026-11-22T06:00:00+01:00", "--state", root.appendingPathComponent("none.sqlite").path,
        ]
        let clean = try await QuadraBinary.runAsync(arguments + ["--quiet"])
        #expect(clean.status == 0)
        #expect(clean.stdout.isEmpty && clean.stderr.isEmpty, "\(clean.stdout)\(clean.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/findings.csv").path))
        let loud = try await QuadraBinary.runAsync(arguments)
        #expect(loud.stdout.contains("Nothing needs action."))
        // The sample night needs action: --quiet still says what.
        let sample = try await QuadraBinary.runAsync([
            "run", "--offline", "--quiet", "--input", Self.night, "--out", root.appendingPathComponent("out2").path,
            "--as-of", "2026-11-22T06:00:00+01:00", "--state", root.appendingPathComponent("none.sqlite").path,
        ])
        #expect(sample.status == 1)
        #expect(sample.stdout.contains("OFFLINE_RECORD_UNSUBMITTED"), "\(sample.stdout)")
    }

    @Test func metricsTellMonitoringHowTheNightWentAndKeepTheLastSuccess() async throws {
        let root = try QuadraBinary.temporaryDirectory("metrics")
        let metrics = root.appendingPathComponent("quadra.prom")
        let run = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", Self.night, "--out", root.appendingPathComponent("out").path,
            "--as-of", "2026-11-22T06:00:00+01:00", "--state", root.appendingPathComponent("none.sqlite").path,
            "--metrics", metrics.path,
        ])
        #expect(run.status == 1)
        let text = try String(contentsOf: metrics, encoding: .utf8)
        // The text format: comments, or `name{labels} value`.
        let sample = #/^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9]+(\.[0-9]+)?$/#
        for line in text.split(separator: "\n") where !line.hasPrefix("# ") {
            #expect(line.wholeMatch(of: sample) != nil, "\(line)")
        }
        // Every code's count is the count in findings.csv.
        let csv = try String(contentsOf: root.appendingPathComponent("out/findings.csv"), encoding: .utf8)
        var counts: [String: Int] = [:]
        for row in csv.split(separator: "\r\n").dropFirst() {
            counts[String(row.prefix { $0 != "," }), default: 0] += 1
        }
        for (code, count) in counts {
            #expect(text.contains("quadra_findings{code=\"\(code)\",severity=\""), "\(code)")
            #expect(
                text.split(separator: "\n").contains {
                    $0.hasPrefix("quadra_findings{code=\"\(code)\"") && $0.hasSuffix(" \(count)")
                })
        }
        #expect(text.contains("\nquadra_exit_status 1\n"))
        #expect(text.contains("\nquadra_sales 16\n"))
        for stage in ["read", "reconcile", "render"] {
            #expect(text.contains("quadra_stage_seconds{stage=\"\(stage)\"} "))
        }
        let success = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("quadra_last_success_timestamp_seconds ") })

        // A run that cannot be done says so, and keeps the last success.
        let failed = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", root.appendingPathComponent("missing").path, "--out",
            root.appendingPathComponent("out").path, "--metrics", metrics.path,
        ])
        #expect(failed.status == 2)
        let after = try String(contentsOf: metrics, encoding: .utf8)
        #expect(after.contains("\nquadra_exit_status 2\n"))
        #expect(after.split(separator: "\n").contains(success))
        #expect(!after.contains("quadra_findings"))
    }
}
