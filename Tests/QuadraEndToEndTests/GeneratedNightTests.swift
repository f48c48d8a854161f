import Foundation
import Testing

/// A night made by `quadra generate` gives, through `quadra run`, exactly the findings the generator planted.
@Suite struct GeneratedNightTests {
    @Test(arguments: [UInt64(3), 11])
    func theRunFindsExactlyWhatWasPlanted(seed: UInt64) async throws {
        let root = try QuadraBinary.temporaryDirectory("generated")
        let night = root.appendingPathComponent("night")
        let generate = try await QuadraBinary.runAsync([
            "generate", "--sales", "5000", "--pems", "6", "--terminals", "12", "--seed", String(seed), "--out",
            night.path,
            "--client-outage", "0.5", "--platform-outage", "0.5", "--incident", "0.5", "--double-charge", "0.01",
            "--bad-lines", "0.002",
        ])
        #expect(generate.status == 0, "\(generate.stderr)")
        let out = root.appendingPathComponent("out")
        let run = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", night.path, "--out", out.path, "--as-of", "2026-11-22T06:00:00+01:00",
            "--state", root.appendingPathComponent("none.sqlite").path,
        ])
        #expect(run.status == 1)
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        var found: [String: Int] = [:]
        for line in csv.split(separator: "\r\n").dropFirst() {
            found[String(line.prefix { $0 != "," }), default: 0] += 1
        }
        let expectedData = try Data(contentsOf: night.appendingPathComponent("expected-findings.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: Int])
        #expect(found == expected)
        #expect(Set(expected.keys).count >= 12, "the night exercises most codes: \(expected.keys.sorted())")
    }
}
