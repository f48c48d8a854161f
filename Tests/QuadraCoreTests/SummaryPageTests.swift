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
