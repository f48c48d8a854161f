import Foundation
import Testing

/// summary.html through the built binary: its figures against findings.csv and manifest.json on the sample night and
/// a generated one, in both languages; the language chosen by the configuration and by --language.
@Suite struct SummaryHTMLTests {
    /// Runs the sample night offline into a new folder with `arguments` added; returns the folder.
    static func runSample(_ arguments: [String] = [], in directory: URL = QuadraBinary.packageRoot) async throws -> URL
    {
        let out = try QuadraBinary.temporaryDirectory("summary")
        let night = QuadraBinary.packageRoot.appendingPathComponent(SampleNightTests.night).path
        let result = try await QuadraBinary.runAsync(
            ["run", "--offline", "--input", night, "--out", out.path, "--as-of", SampleNightTests.asOf] + arguments,
            in: directory)
        #expect(result.status == 1, "\(result.stderr)")
        return out
    }

    @Test func theSampleSummaryAgreesWithTheCSVInItalian() async throws {
        let out = try await Self.runSample()
        let page = try SummaryPageChecks.check(out)
        #expect(page.italian, "Italian without a configuration")
        let main = try #require(page.days.first { $0.pem == "E001-000001" && $0.day == "2026-11-21" })
        #expect(
            Array(main.cells[1...10])
                == ["21/11/2026", "15", "€ 317,40", "13", "€ 247,40", "10", "€ 233,50", "5", "€ 70,00", "non coperto"])
        #expect(main.severities == ["2", "11", "3", "2"])
        let other = try #require(page.days.first { $0.pem.isEmpty })
        #expect(other.cells.first == "senza PEM o giorno" && other.severities == ["0", "0", "5", "0"])
        #expect(page.total.suffix(4) == ["2", "11", "8", "2"])
        let html = try String(contentsOf: out.appendingPathComponent("summary.html"), encoding: .utf8)
        #expect(html.contains("dati al 22 novembre 2026, 06:00:00 (UTC+01:00)"))
        #expect(html.contains("<summary>E001-000001, sabato 21 novembre 2026 — 18 segnalazioni"))
    }

    @Test func theSampleSummaryAgreesWithTheCSVInEnglish() async throws {
        let out = try await Self.runSample(["--language", "en"])
        let page = try SummaryPageChecks.check(out)
        #expect(!page.italian)
        let main = try #require(page.days.first { $0.pem == "E001-000001" && $0.day == "2026-11-21" })
        #expect(
            Array(main.cells[1...10])
                == ["21 Nov 2026", "15", "€317.40", "13", "€247.40", "10", "€233.50", "5", "€70.00", "not covered"])
        let other = try #require(page.days.first { $0.pem.isEmpty })
        #expect(other.cells.first == "without PEM or day")
    }

    @Test func theOptionWinsOverTheConfigurationAndOnlyThePageChanges() async throws {
        let root = try QuadraBinary.temporaryDirectory("language")
        try Data("language = \"en\"\n".utf8).write(to: root.appendingPathComponent("quadra.toml"))
        let configured = try await Self.runSample(["--config", "quadra.toml"], in: root)
        let overridden = try await Self.runSample(["--config", "quadra.toml", "--language", "it"], in: root)
        let italian = try await Self.runSample()
        func file(_ out: URL, _ name: String) throws -> Data { try Data(contentsOf: out.appendingPathComponent(name)) }
        #expect(String(decoding: try file(configured, "summary.html"), as: UTF8.self).contains("<html lang=\"en\">"))
        #expect(try file(overridden, "summary.html") == file(italian, "summary.html"))
        for name in ["findings.csv", "reconciliation.xml", "uploads/E001-000001/2026-11-21.json"] {
            #expect(try file(configured, name) == file(italian, name), "\(name) is not translated")
        }
        // Bad values stop the run before anything is written, naming the option or the key and line.
        let badOption = try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--input", SampleNightTests.night, "--out", root.appendingPathComponent("x").path,
                "--language", "fr",
            ])
        #expect(badOption.status == 2 && badOption.stderr.contains("--language: expected it or en, found \"fr\""))
        try Data("# page\nlanguage = \"de\"\n".utf8).write(to: root.appendingPathComponent("bad.toml"))
        let badKey = try await QuadraBinary.runAsync(
            [
                "run", "--offline", "--input",
                QuadraBinary.packageRoot.appendingPathComponent(SampleNightTests.night).path,
                "--out", "y", "--config", "bad.toml",
            ], in: root)
        #expect(badKey.status == 2 && badKey.stderr.contains("bad.toml:2: language: expected it or en, found \"de\""))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("y/summary.html").path))
    }

    @Test(arguments: ["it", "en"])
    func aGeneratedNightsSummaryAgreesWithItsCSV(language: String) async throws {
        let root = try QuadraBinary.temporaryDirectory("summary-generated")
        let night = root.appendingPathComponent("night")
        let generate = try await QuadraBinary.runAsync([
            "generate", "--sales", "4000", "--pems", "5", "--terminals", "10", "--seed", "7", "--out", night.path,
            "--client-outage", "0.5", "--platform-outage", "0.5", "--incident", "0.5", "--double-charge", "0.01",
            "--bad-lines", "0.002",
        ])
        #expect(generate.status == 0, "\(generate.stderr)")
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", night.path, "--out", out.path, "--as-of", "2026-11-22T06:00:00+01:00",
            "--state", root.appendingPathComponent("none.sqlite").path, "--language", language,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let page = try SummaryPageChecks.check(out)
        #expect(page.italian == (language == "it"))
        #expect(page.days.filter { !$0.pem.isEmpty }.count >= 5, "a row per PEM and day")
        #expect(page.inputs.count >= 10)
    }
}
