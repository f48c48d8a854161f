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
