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
