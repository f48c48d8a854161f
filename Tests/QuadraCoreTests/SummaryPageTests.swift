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
