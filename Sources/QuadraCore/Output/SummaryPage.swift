/// Renders `summary.html` for accountants: per PEM and fiscal day, the sales, paid, receipted and offline
/// figures, whether an emergency report covers the day, and the findings by severity, with totals in euros.
public enum SummaryPage {
    public static func render(_ report: ReconciliationReport, days: [DayStats], template: String = SummaryTemplate.html)
        -> [UInt8]
    {
        var total = DayStats(key: PemDay(pem: "", day: FiscalDay(year: 1970, month: 1, day: 1)))
        var rows: [[String: String]] = []
        for day in days {
            total = total.adding(day)
            var row = figures(day)
            row["pem"] = day.key.pem
            row["day"] = day.key.day.description
            row["submitted"] = day.covered ? "covered" : (day.offline > 0 ? "not covered" : "—")
            rows.append(row)
        }
        var values = figures(total)
        values["runId"] = report.run.runId
        values["mode"] = report.run.mode
        values["asOf"] = report.run.asOf
        values["timeZone"] = report.run.timeZone
        values["toolVersion"] = report.run.toolVersion
        let codes = report.countsByCode.sorted { ($0.code.severity, $1.code) > ($1.code.severity, $0.code) }.map {
            [
                "severity": $0.code.severity.description, "code": $0.code.rawValue, "count": String($0.count),
                "action": $0.code.action,
            ]
        }
        let html = TemplateText.render(template, values: values, sections: ["days": rows, "codes": codes])
        return Array(html.utf8)
    }

    private static func figures(_ day: DayStats) -> [String: String] {
        [
            "sales": String(day.sales), "salesAmount": day.salesAmount.description, "paid": String(day.paid),
            "paidAmount": day.paidAmount.description, "receipted": String(day.receipted),
            "receiptedAmount": day.receiptedAmount.description, "offline": String(day.offline),
            "offlineAmount": day.offlineAmount.description,
            "critical": String(day.findings[.critical] ?? 0), "action": String(day.findings[.action] ?? 0),
            "warning": String(day.findings[.warning] ?? 0), "info": String(day.findings[.info] ?? 0),
        ]
    }
}

/// A small logic-less template language: `{{name}}` (HTML-escaped) and `{{#list}}…{{/list}}` repeated per item,
/// where an item's values win over the outer ones. Unknown names render empty.
public enum TemplateText {
    public static func render(_ template: String, values: [String: String], sections: [String: [[String: String]]])
        -> String
    {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{#") {
            output += substitute(rest[..<open.lowerBound], values)
            guard let nameEnd = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) else { break }
            let name = String(rest[open.upperBound..<nameEnd.lowerBound])
            guard let close = rest.range(of: "{{/\(name)}}", range: nameEnd.upperBound..<rest.endIndex) else { break }
            let body = rest[nameEnd.upperBound..<close.lowerBound]
            for item in sections[name] ?? [] {
                output += substitute(body, values.merging(item) { $1 })
            }
            rest = rest[close.upperBound...]
        }
        return output + substitute(rest, values)
    }

    private static func substitute(_ text: Substring, _ values: [String: String]) -> String {
        var output = ""
        var rest = text
        while let open = rest.range(of: "{{"), let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex)
        {
            output += rest[..<open.lowerBound]
            output += escape(values[String(rest[open.upperBound..<close.lowerBound])] ?? "")
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// HTML escaping for text and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in ReportText.clean(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
