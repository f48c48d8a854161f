import Foundation
import Testing

@testable import QuadraCore

@Suite struct SummaryPageTests {
    @Test func theEmbeddedTemplateIsTheOneInTemplates() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates/summary.html")
        #expect(try String(contentsOf: url, encoding: .utf8) == SummaryTemplate.html)
    }

    @Test func sectionsRepeatAndValuesAreEscaped() {
        let text = TemplateText.render(
            "<p>{{title}}</p>{{#rows}}<i>{{name}}:{{title}}</i>{{/rows}}<b>{{missing}}</b>",
            values: ["title": "Q&A <1>"], sections: ["rows": [["name": "a\"b"], ["name": "c", "title": "own"]]])
        #expect(text == "<p>Q&amp;A &lt;1&gt;</p><i>a&quot;b:Q&amp;A &lt;1&gt;</i><i>c:own</i><b></b>")
    }

    @Test func sectionsNestAndNamesAreLookedUpOutwards() {
        let root = TemplateItem(
            ["x": "root", "mark": "*"],
            sections: [
                "groups": [
                    TemplateItem(
                        ["name": "g1"],
                        sections: [
                            "rows": [TemplateItem(["x": "r1"]), TemplateItem()], "flag": TemplateItem.when(true),
                        ]),
                    TemplateItem(["name": "g2"], sections: ["rows": [], "flag": TemplateItem.when(false)]),
                ]
            ])
        let text = TemplateText.render(
            "{{#groups}}[{{name}}{{#flag}}!{{/flag}}:{{#rows}}({{x}}{{#flag}}{{mark}}{{/flag}}){{/rows}}]{{/groups}}",
            root)
        #expect(text == "[g1!:(r1*)(root*)][g2:]")
        // A section never closed renders its tag empty; a closing tag that opens nothing too.
        #expect(TemplateText.render("a{{#open}}b{{x}}{{/other}}c", root) == "abrootc")
    }

    @Test func textIsCleanedAndEscaped() {
        #expect(
            TemplateText.escape("<script>alert('x&y')</script>\u{0}")
                == "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;\u{FFFD}")
        #expect(TemplateText.escape("città € 1.234,56") == "città € 1.234,56")
    }

    @Test func amountsAndCountsAreWrittenAsEachLanguageDoes() {
        let it = SummaryFormat(.italian)
        let en = SummaryFormat(.english)
        #expect(it.amount(Money(cents: 123_456)) == "€ 1.234,56")
        #expect(en.amount(Money(cents: 123_456)) == "€1,234.56")
        #expect(it.amount(Money(cents: -123_456)) == "€ -1.234,56")
        #expect(en.amount(Money(cents: -123_456)) == "-€1,234.56")
        #expect(it.amount(Money(cents: 5)) == "€ 0,05")
        #expect(en.amount(Money(cents: -5)) == "-€0.05")
        #expect(it.amount(Money.zero) == "€ 0,00")
        #expect(it.amount(Money(cents: 31_740)) == "€ 317,40")
        #expect(it.amount(Money(cents: 100_000)) == "€ 1.000,00")
        #expect(en.amount(Money.largestInput) == "€99,999,999,999.99")
        #expect(it.amount(Money(cents: Int64.min)) == "€ -92.233.720.368.547.758,08")
        // A total past 64 bits.
        var total = MoneyTotal()
        for _ in 0..<3 { total += Money(cents: Int64.max) }
        #expect(it.amount(total) == "€ 276.701.161.105.643.274,21")
        #expect(it.count(0) == "0")
        #expect(it.count(999) == "999")
        #expect(it.count(1000) == "1.000")
        #expect(en.count(150_000) == "150,000")
        #expect(en.count(1_234_567) == "1,234,567")
        #expect(it.count(-1234) == "-1.234")
    }

    @Test func datesAndTimesAreWrittenAsEachLanguageDoes() {
        let it = SummaryFormat(.italian)
        let en = SummaryFormat(.english)
        let day = FiscalDay(year: 2026, month: 11, day: 21)
        #expect(it.date(day) == "21/11/2026")
        #expect(en.date(day) == "21 Nov 2026")
        #expect(it.date(FiscalDay(year: 2027, month: 1, day: 5)) == "05/01/2027")
        #expect(it.longDate(day) == "sabato 21 novembre 2026")
        #expect(en.longDate(day) == "Saturday 21 November 2026")
        #expect(it.longDate(FiscalDay(year: 2026, month: 11, day: 1)) == "domenica 1° novembre 2026")
        #expect(en.longDate(FiscalDay(year: 1, month: 1, day: 3)) == "Wednesday 3 January 0001")
        #expect(it.longDate(FiscalDay(year: 9999, month: 12, day: 29)) == "mercoledì 29 dicembre 9999")
        #expect(it.time("2026-11-22T06:00:00+01:00") == "22 novembre 2026, 06:00:00 (UTC+01:00)")
        #expect(en.time("2026-11-22T06:00:00+01:00") == "22 November 2026, 06:00:00 (UTC+01:00)")
        #expect(it.time("2026-07-01T23:59:58.250+02:00") == "1° luglio 2026, 23:59:58,250 (UTC+02:00)")
        #expect(en.time("2026-07-01T23:59:58.250-03:30") == "1 July 2026, 23:59:58.250 (UTC-03:30)")
        #expect(en.time("2026-11-22T05:00:00Z") == "22 November 2026, 05:00:00 (UTC)")
        for text in ["", "yesterday", "2026-13-22T06:00:00+01:00", "2026-11-22T06:00:00", "2026-11-22T06:00:00+1"] {
            #expect(it.time(text) == text, "\(text) is written as it is")
        }
    }

    @Test func everyLabelTheTemplateNamesExistsInBothLanguages() throws {
        let names = Set(
            SummaryTemplate.html.matches(of: /\{\{t\.([A-Za-z]+)\}\}/).map { String($0.output.1) })
        #expect(names.count > 30)
        for language in ReportLanguage.allCases {
            let labels = SummaryWords(language).labels
            #expect(Set(labels.keys) == names, "\(language)")
            #expect(labels.values.allSatisfy { !$0.isEmpty })
        }
    }

    @Test func everyCodeHasWordsInBothLanguages() {
        let it = SummaryWords(.italian)
        let en = SummaryWords(.english)
        for code in FindingCode.allCases {
            #expect(en.todo(code) == code.action, "English uses the contract's action")
            #expect(it.todo(code) != code.action || code.action.isEmpty, "\(code) is translated")
            #expect(!it.meaning(code).isEmpty && !en.meaning(code).isEmpty && it.meaning(code) != en.meaning(code))
        }
    }

    // MARK: - The page

    static let day = FiscalDay(year: 2026, month: 11, day: 21)

    static func report(_ findings: [Finding]) -> ReconciliationReport {
        let run = RunInfo(
            toolVersion: "9.9", runId: "r<1>", timeZone: "Europe/Rome", asOf: "2026-11-22T06:00:00+01:00",
            startedAt: "2026-11-22T06:00:00+01:00", finishedAt: "2026-11-22T06:00:01.500+01:00", mode: "offline")
        let input = InputFileRecord(
            path: "pos/T<1>.jsonl", kind: .posLog, sha256: String(repeating: "ab", count: 32), bytes: 12_345,
            recordsRead: 1_000, recordsRejected: 0)
        return ReconciliationReport(run: run, inputs: [input], findings: findings)
    }

    static func page(_ report: ReconciliationReport, days: [DayStats], _ language: ReportLanguage) -> String {
        String(decoding: SummaryPage.render(report, days: days, language: language), as: UTF8.self)
    }

    @Test func findingsWithoutPemOrDayHaveTheirOwnRowAndZeroCountsAreNotMarked() {
        let findings = [
            Finding(
                code: .doubleCharge, pem: "E1", fiscalDay: Self.day, sale: "S-1", amount: Money(cents: 4_500),
                detail: "d1"),
            Finding(code: .acubeDataMissing, pem: "E2", detail: "no acube/E2/ <folder>"),
            Finding(
                code: .inputRejected, detail: "pos/T1.jsonl:3: bad & \"ugly\"", subjectRest: ["pos/T1.jsonl", "3"]),
        ]
        var stats = DayStats(key: PemDay(pem: "E1", day: Self.day))
        stats.add(sale: Money(cents: 123_456), paid: true, receipted: false, offline: false)
        let html = Self.page(Self.report(findings), days: [stats], .italian)
        #expect(html.contains("<html lang=\"it\">"))
        #expect(
            html.contains(
                [
                    "<tr data-pem=\"E1\" data-day=\"2026-11-21\"><td class=\"text num\">E1</td><td class=\"text num\">",
                    "<a href=\"#findings-E1-2026-11-21\">21/11/2026</a></td><td class=\"num\">1</td>",
                    "<td class=\"num\">€ 1.234,56</td><td class=\"num\">1</td><td class=\"num\">€ 1.234,56</td>",
                    "<td class=\"num\">0</td><td class=\"num\">€ 0,00</td><td class=\"num\">0</td>",
                    "<td class=\"num\">€ 0,00</td><td class=\"text\">—</td><td class=\"num critical\">1</td>",
                    "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td></tr>",
                ].joined()))
        #expect(
            html.contains(
                [
                    "<tr class=\"other\" data-pem=\"\" data-day=\"\"><td class=\"text\" colspan=\"2\">",
                    "<a href=\"#findings-other\">senza PEM o giorno</a></td><td colspan=\"9\"></td>",
                    "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">2</td><td class=\"num\">0</td></tr>",
                ].joined()))
        #expect(html.contains("La riga «senza PEM o giorno» raccoglie"))
        #expect(
            html.contains("<td class=\"num critical\">1</td><td class=\"num\">0</td><td class=\"num\">2</td>"), "total")
        #expect(html.contains("Segnalazioni: 3") == false && html.contains("3 segnalazioni (critiche 1, avvisi 2)"))
        // The group without PEM or day lists the PEM; every text is escaped.
        #expect(
            html.contains(
                "<details id=\"findings-other\"><summary>senza PEM o giorno — 2 segnalazioni (avvisi 2)</summary>"))
        #expect(html.contains("<td class=\"text num\">E2</td><td class=\"text severity-warning\">avviso</td>"))
        #expect(html.contains("no acube/E2/ &lt;folder&gt;") && html.contains("bad &amp; &quot;ugly&quot;"))
        #expect(!html.contains("<folder>") && html.contains("r&lt;1&gt;") && html.contains("pos/T&lt;1&gt;.jsonl"))
        #expect(html.contains("<summary>E1, sabato 21 novembre 2026 — 1 segnalazione (critiche 1)</summary>"))
        #expect(
            html.contains(
                [
                    "<td class=\"text severity-critical\">critica</td><td class=\"text code\">DOUBLE_CHARGE</td>",
                    "<td class=\"text num\"></td><td class=\"text num\">S-1</td><td class=\"num\">€ 45,00</td>",
                    "<td class=\"text\">rimborsare l&#39;addebito in eccesso</td>",
                ].joined()))
        #expect(html.contains("<td class=\"num\">12.345</td><td class=\"num\">1.000</td><td class=\"num\">0</td>"))
        #expect(html.contains("22 novembre 2026, 06:00:01,500 (UTC+01:00)"))
        let english = Self.page(Self.report(findings), days: [stats], .english)
        #expect(english.contains("<html lang=\"en\">") && english.contains(">without PEM or day</a>"))
        #expect(english.contains("<td class=\"num\">€1,234.56</td>") && english.contains(">21 Nov 2026</a>"))
        #expect(english.contains("refund the extra charge") && english.contains("Saturday 21 November 2026"))
    }

    @Test func aNightWithoutFindingsHasNoOtherRowAndSaysSo() {
        var stats = DayStats(key: PemDay(pem: "E1", day: Self.day))
        stats.add(sale: Money(cents: 100), paid: true, receipted: true, offline: false)
        let html = Self.page(Self.report([]), days: [stats], .english)
        #expect(!html.contains("class=\"other\"") && !html.contains("without PEM or day"))
        #expect(!html.contains("<details") && html.contains("No findings."))
        #expect(html.contains("<td class=\"text num\">21 Nov 2026</td>"), "a day without findings links nowhere")
        #expect(
            html.contains(
                "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td></tr>")
        )
    }

    @Test func aGroupListsAtMostTheCapMostSevereFirst() {
        let cap = SummaryPage.listedFindingsPerGroup
        var findings = (0..<(cap + 5)).map {
            Finding(
                code: .platformOffline, pem: "E1", fiscalDay: Self.day, detail: "w\($0)",
                subjectRest: [String(1000 + $0)])
        }
        findings.append(
            Finding(code: .receiptDuringOffline, pem: "E1", fiscalDay: Self.day, receiptUuid: "u", detail: "last"))
        let html = Self.page(Self.report(findings), days: [], .italian)
        let list = html.components(separatedBy: "<details").dropFirst().joined()
        let rows = list.components(separatedBy: "<td class=\"text severity-").dropFirst().map { $0.prefix(8) }
        #expect(rows.count == cap)
        #expect(rows.first == "critical" && rows.dropFirst().allSatisfy { $0.hasPrefix("info") })
        #expect(
            html.contains("<p class=\"more\">… e altre 6 segnalazioni: l&#39;elenco completo è in findings.csv.</p>"))
        #expect(html.contains("w0<") && html.contains("w\(cap - 2)<") && !html.contains("w\(cap - 1)<"))
        #expect(
            html.contains(
                "<td class=\"num critical\">1</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">\(cap + 5)</td>"
            ))
        let english = Self.page(Self.report(findings), days: [], .english)
        #expect(english.contains("<p class=\"more\">… and 6 more: findings.csv lists them all.</p>"))
    }
}

@Suite struct SubmissionPlanTests {
    @Test func aLongPlanIsSummedUpNotListed() {
        let day = FiscalDay(year: 2026, month: 11, day: 21)
        let plan = SubmissionPlan(
            uploads: [], offlinePeriods: [], journalCloses: (1...8).map { PemDay(pem: "E\($0)", day: day) })
        #expect(
            plan.describe(timeZone: .rome)
                == "With --submit, Quadra would close 8 journals (E1 2026-11-21, E2 2026-11-21, E3 2026-11-21,"
                + " E4 2026-11-21, E5 2026-11-21 and 3 more).")
        #expect(
            SubmissionPlan(uploads: [], offlinePeriods: [], journalCloses: []).describe(timeZone: .rome)
                == "Nothing to send to A-Cube.")
    }
}
