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
