import Foundation
import Testing

/// summary.html of the sample night, checked against findings.csv and the sample's own figures.
@Suite struct SummaryHTMLTests {
    @Test func theSummaryAgreesWithTheCSV() async throws {
        let out = try QuadraBinary.temporaryDirectory("summary")
        _ = try await QuadraBinary.runAsync([
            "run", "--offline", "--input", SampleNightTests.night, "--out", out.path, "--as-of", SampleNightTests.asOf,
        ])
        let html = try String(contentsOf: out.appendingPathComponent("summary.html"), encoding: .utf8)
        #expect(!html.contains("{{"), "every placeholder was filled")
        #expect(!html.contains("http://") && !html.contains("https://"), "it opens with no network")
        // The day rows: PEM, day, then 13 numbers.
        let rows = html.components(separatedBy: "<tr><td class=\"text\">").dropFirst().compactMap { row -> [String]? in
            let cells = row.components(separatedBy: "</td>").map {
                $0.replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
            }
            return cells.count > 14 ? Array(cells.prefix(15)) : nil
        }
        let byDay = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] + " " + $0[1], $0) })
        let main = try #require(byDay["E001-000001 2026-11-21"])
        #expect(Array(main[2...9]) == ["15", "317.40", "13", "247.40", "10", "233.50", "5", "70.00"])
        #expect(main[10] == "not covered")
        // Findings by severity per (PEM, day), counted from the CSV.
        let csv = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        var counted: [String: Int] = [:]
        for line in csv.split(separator: "\r\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !cells[2].isEmpty, !cells[3].isEmpty else { continue }
            counted["\(cells[2]) \(cells[3]) \(cells[1])", default: 0] += 1
        }
        for (key, row) in byDay {
            for (index, severity) in ["critical", "action", "warning", "info"].enumerated() {
                #expect(Int(row[11 + index]) == (counted["\(key) \(severity)"] ?? 0), "\(key) \(severity)")
            }
        }
    }
}
