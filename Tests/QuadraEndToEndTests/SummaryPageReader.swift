import Foundation
import QuadraCore
import Testing

/// summary.html read back into its figures, and checked against findings.csv and manifest.json.
struct SummaryPageReader {
    struct DayRow {
        /// Empty for the row of findings without PEM or day.
        var pem: String
        var day: String
        var cells: [String]
        /// The critical, action, warning and info counts: the row's last four cells.
        var severities: [String] { Array(cells.suffix(4)) }
    }

    var italian: Bool
    var days: [DayRow] = []
    /// The day table's total row.
    var total: [String] = []
    var codes: [(code: String, count: String)] = []
    var subtotals: [String: String] = [:]
    var grandTotal = ""
    var inputs: [(path: String, sha256: String)] = []
    /// Each group's rows (cells), by anchor.
    var groups: [String: [[String]]] = [:]
    /// The "… and N more" line of a group, by anchor.
    var more: [String: String] = [:]

    init(_ html: String) throws {
        let language = try #require(html.firstMatch(of: /<html lang="(it|en)">/))
        italian = language.output.1 == "it"
        let parts = html.components(separatedBy: "<table class=\"")
        try #require(parts.count >= 4, "the day, code and input tables")
        let dayTable = try #require(parts.first { $0.hasPrefix("days\"") })
        for match in dayTable.matches(of: /<tr[^>]*data-pem="([^"]*)" data-day="([^"]*)">(.*?)<\/tr>/) {
            days.append(
                DayRow(pem: String(match.output.1), day: String(match.output.2), cells: Self.cells(match.output.3)))
        }
        total = Self.cells(try #require(dayTable.firstMatch(of: /<tr class="total">(.*?)<\/tr>/)).output.1)
        let codeTable = try #require(parts.first { $0.hasPrefix("codes\"") })
        for match in codeTable.matches(of: /<td class="text code">([A-Z_]+)<\/td><td class="num">([^<]*)<\/td>/) {
            codes.append((String(match.output.1), String(match.output.2)))
        }
        for match in codeTable.matches(of: /<tr class="subtotal" data-severity="(\w+)">(.*?)<\/tr>/) {
            subtotals[String(match.output.1)] = Self.cells(match.output.2)[1]
        }
        grandTotal = Self.cells(try #require(codeTable.firstMatch(of: /<tr class="total">(.*?)<\/tr>/)).output.1)[1]
        let inputTable = try #require(parts.first { $0.hasPrefix("inputs\"") })
        for match in inputTable.matches(
            of: /<td class="text path">(.*?)<\/td>.*?<td class="text hash">([0-9a-f]*)<\/td>/)
        {
            inputs.append((Self.unescape(match.output.1), String(match.output.2)))
        }
        for group in html.components(separatedBy: "<details id=\"").dropFirst() {
            let anchor = String(group.prefix { $0 != "\"" })
            let body = try #require(group.components(separatedBy: "<tbody>").last?.components(separatedBy: "</tbody>"))
            groups[anchor] = body[0].matches(of: /<tr>(.*?)<\/tr>/).map { Self.cells($0.output.1) }
            if let line = body[1].firstMatch(of: /<p class="more">(.*?)<\/p>/) {
                more[anchor] = Self.unescape(line.output.1)
            }
        }
    }

    static func cells(_ row: Substring) -> [String] {
        row.matches(of: /<td[^>]*>(.*?)<\/td>/).map { unescape($0.output.1.replacing(/<[^>]*>/, with: "")) }
    }

    static func unescape(_ text: some StringProtocol) -> String {
        String(text).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A count as the page writes it (`1.234` in Italian, `1,234` in English).
    func count(_ text: String) -> Int? {
        Int(text.replacingOccurrences(of: italian ? "." : ",", with: ""))
    }

    /// Cents from an amount as the page writes it: `€ -1.234,56` (it), `-€1,234.56` (en).
    func cents(_ text: String) -> Int64? {
        var rest = Substring(text)
        var negative = false
        if italian {
            guard rest.hasPrefix("€ ") else { return nil }
            rest = rest.dropFirst(2)
            if rest.hasPrefix("-") {
                negative = true
                rest = rest.dropFirst()
            }
        } else {
            if rest.hasPrefix("-") {
                negative = true
                rest = rest.dropFirst()
            }
            guard rest.hasPrefix("€") else { return nil }
            rest = rest.dropFirst()
        }
        let pieces = rest.split(separator: italian ? "," : ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[1].count == 2, let whole = count(String(pieces[0])),
            let hundredths = Int64(pieces[1])
        else { return nil }
        let groups = pieces[0].split(separator: italian ? "." : ",", omittingEmptySubsequences: false)
        guard groups.first.map({ (1...3).contains($0.count) }) == true, groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        let cents = Int64(whole) * 100 + hundredths
        return negative ? -cents : cents
    }
}

/// The checks every summary page passes, against the findings.csv and manifest.json written beside it.
enum SummaryPageChecks {
    static let severities = ["critical", "action", "warning", "info"]

    /// findings.csv's rows (RFC 4180), header dropped.
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        cell.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    cell.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(cell)
                cell = ""
            case "\r\n", "\n":
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            default: cell.append(character)
            }
        }
        return Array(rows.dropFirst())
    }

    /// Checks the page in `out` against the findings.csv and manifest.json there; returns the page read.
    @discardableResult
    static func check(_ out: URL) throws -> SummaryPageReader {
        let html = try String(contentsOf: out.appendingPathComponent("summary.html"), encoding: .utf8)
        #expect(!html.contains("{{"), "every placeholder was filled")
        #expect(!html.contains("http://") && !html.contains("https://"), "it opens with no network")
        #expect(!html.contains("<script"), "it needs no JavaScript")
        let page = try SummaryPageReader(html)
        let csv = csvRows(try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8))
        #expect(csv.allSatisfy { $0.count == 11 })

        // Counts per group (PEM and day, or neither) and severity, and per code.
        var byGroup: [String: [String: Int]] = [:]
        var bySeverity: [String: Int] = [:]
        var byCode: [String: Int] = [:]
        var listed: [String: [String]] = [:]
        for row in csv {
            let group = row[2].isEmpty || row[3].isEmpty ? "other" : "\(row[2])-\(row[3])"
            byGroup[group, default: [:]][row[1], default: 0] += 1
            bySeverity[row[1], default: 0] += 1
            byCode[row[0], default: 0] += 1
            let cents = row[8].isEmpty ? "" : String(try #require(Money.parse(row[8])).cents)
            listed[group, default: []].append([row[0], row[4], row[5], cents].joined(separator: "|"))
        }
        var seen: Set<String> = []
        for row in page.days {
            let group = row.pem.isEmpty ? "other" : "\(row.pem)-\(row.day)"
            #expect(seen.insert(group).inserted, "\(group) has one row")
            let counts = row.severities.map(page.count)
            #expect(counts == severities.map { byGroup[group]?[$0] ?? 0 }, "\(group): \(row.severities)")
        }
        #expect(seen.isSuperset(of: byGroup.keys), "every PEM and day of findings.csv has a row, and the rest one too")
        #expect(seen.contains("other") == (byGroup["other"] != nil))

        // The totals: the day table's severities, the code table's subtotals and findings.csv agree.
        #expect(page.total.suffix(4).map(page.count) == severities.map { bySeverity[$0] ?? 0 })
        for severity in severities {
            #expect(page.subtotals[severity].flatMap(page.count) == bySeverity[severity], "\(severity)")
        }
        #expect(page.count(page.grandTotal) == csv.count)
        #expect(Dictionary(uniqueKeysWithValues: page.codes.map { ($0.code, page.count($0.count) ?? -1) }) == byCode)
        // The day table's total is the sum of its days.
        let figures = page.days.filter { !$0.pem.isEmpty }.map { Array($0.cells[2...9]) }
        for column in 0..<8 {
            let parse: (String) -> Int64? = { column % 2 == 0 ? page.count($0).map { Int64($0) } : page.cents($0) }
            let values = try figures.map { try #require(parse($0[column]), "\($0[column])") }
            #expect(parse(page.total[column + 1]) == values.reduce(0, +), "column \(column)")
        }

        // Each group lists its findings: all of them up to the cap, the most severe first.
        let cap = SummaryPage.listedFindingsPerGroup
        #expect(Set(page.groups.keys) == Set(byGroup.keys.map { "findings-" + $0 }))
        for (group, expected) in listed {
            let rows = try #require(page.groups["findings-" + group])
            let withPem = group == "other"
            let entries = try rows.map { cells -> String in
                let cells = withPem ? Array(cells.dropFirst()) : cells
                #expect(cells.count == 7)
                let cents = cells[4].isEmpty ? "" : String(try #require(page.cents(cells[4]), "\(cells[4])"))
                return [cells[1], cells[2], cells[3], cents].joined(separator: "|")
            }
            let anchor = "findings-" + group
            if expected.count <= cap {
                #expect(entries.sorted() == expected.sorted(), "\(group)")
                #expect(page.more[anchor] == nil)
            } else {
                #expect(entries.count == cap)
                #expect(Set(entries).isSubset(of: Set(expected)))
                let line = try #require(page.more[anchor])
                let hidden =
                    line.contains("un'altra")
                    ? 1 : line.firstMatch(of: /[0-9][0-9.,]*/).flatMap { page.count(String($0.output)) }
                #expect(hidden == expected.count - cap, "\(group): \(line)")
            }
            let words = SummaryWords(page.italian ? .italian : .english)
            let rank = Dictionary(uniqueKeysWithValues: Severity.allCases.map { (words.severity($0), $0.rawValue) })
            let ranks = rows.map { rank[withPem ? $0[1] : $0[0]] ?? -1 }
            #expect(ranks.allSatisfy { $0 >= 0 } && ranks == ranks.sorted(by: >), "\(group): the most severe first")
        }

        // The inputs, with the hashes of manifest.json.
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                as? [String: Any])
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        let hashes = Dictionary(
            uniqueKeysWithValues: inputs.compactMap { entry -> (String, String)? in
                guard let path = entry["path"] as? String, let sha = entry["sha256"] as? String else { return nil }
                return (path, sha)
            })
        #expect(!hashes.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: page.inputs.map { ($0.path, $0.sha256) }) == hashes)
        return page
    }
}
