/// Renders `summary.html` for accountants, in Italian or English: the run and its times; per PEM and fiscal day the
/// sales, paid, receipted and offline figures, whether an emergency report covers the day and the findings by
/// severity, with a row for the findings that concern no PEM on a day, so its totals are those of the table by
/// code; the findings by code; the inputs read with their SHA-256; and each PEM and day's findings, most severe
/// first, in a group that opens (at most `listedFindingsPerGroup` each). One pass over the findings: linear.
public enum SummaryPage {
    /// How many findings each PEM and day lists at most (the most severe first); a line says how many more
    /// findings.csv holds. A night of a million sales has about 150,000 findings: this keeps the page usable (a
    /// hundred rows at most for each PEM and day).
    public static let listedFindingsPerGroup = 100

    public static func render(
        _ report: ReconciliationReport, days: [DayStats], language: ReportLanguage = .default,
        template: String = SummaryTemplate.html
    ) -> [UInt8] {
        let format = SummaryFormat(language)
        let words = SummaryWords(language)
        let cap = listedFindingsPerGroup
        // One pass: each finding counted in its group (its PEM and day, or the group of those without) and kept for
        // the list while its severity's share of the group is under the cap.
        var groups: [PemDay: FindingGroup] = [:]
        var other = FindingGroup()
        for index in report.findings.indices {
            let finding = report.findings[index]
            if let pem = finding.pem, let day = finding.fiscalDay {
                groups[PemDay(pem: pem, day: day), default: FindingGroup()].add(index, finding.severity, cap: cap)
            } else {
                other.add(index, finding.severity, cap: cap)
            }
        }
        let statsByDay = Dictionary(days.map { ($0.key, $0) }, uniquingKeysWith: { $0.adding($1) })
        let keys = Set(statsByDay.keys).union(groups.keys).sorted()

        var total = DayStats(key: PemDay(pem: "", day: FiscalDay(year: 1970, month: 1, day: 1)))
        var totalCounts: [Severity: Int] = [:]
        var dayRows: [TemplateItem] = []
        var groupItems: [TemplateItem] = []
        for key in keys {
            let stats = statsByDay[key] ?? DayStats(key: key)
            let group = groups[key] ?? FindingGroup()
            total = total.adding(stats)
            totalCounts.merge(group.counts, uniquingKeysWith: +)
            let anchor = "findings-\(key.pem)-\(key.day)"
            var values = figures(stats, format).merging(severityCells(group.counts, format)) { $1 }
            values["pem"] = key.pem
            values["isoDay"] = key.day.description
            values["day"] = format.date(key.day)
            values["anchor"] = anchor
            values["report"] = words.coverage(covered: stats.covered, offlineSales: stats.offline)
            // The day links to its findings, when it has any.
            dayRows.append(
                TemplateItem(
                    values,
                    sections: [
                        "linked": TemplateItem.when(group.total > 0), "unlinked": TemplateItem.when(group.total == 0),
                    ]
                ))
            if group.total > 0 {
                groupItems.append(
                    groupItem(
                        group, title: key.pem + ", " + format.longDate(key.day), anchor: anchor, withPem: false,
                        report: report, words: words, format: format))
            }
        }
        var otherRows: [TemplateItem] = []
        if other.total > 0 {
            totalCounts.merge(other.counts, uniquingKeysWith: +)
            var values = severityCells(other.counts, format)
            values["anchor"] = "findings-other"
            otherRows.append(TemplateItem(values))
            groupItems.append(
                groupItem(
                    other, title: words.labels["other"] ?? "", anchor: "findings-other", withPem: true, report: report,
                    words: words, format: format))
        }
        let totalRow = TemplateItem(figures(total, format).merging(severityCells(totalCounts, format)) { $1 })

        var severities: [TemplateItem] = []
        for severity in Severity.allCases.reversed() {
            let codes = report.countsByCode.filter { $0.code.severity == severity }
            guard !codes.isEmpty else { continue }
            let items = codes.map { entry in
                TemplateItem([
                    "severityName": words.severity(severity), "code": entry.code.rawValue,
                    "count": format.count(entry.count), "meaning": words.meaning(entry.code),
                    "todo": words.todo(entry.code),
                ])
            }
            severities.append(
                TemplateItem(
                    [
                        "severity": severity.description, "subtotalLabel": words.subtotal(severity),
                        "count": format.count(codes.reduce(0) { $0 + $1.count }),
                    ], sections: ["codes": items]))
        }

        let inputs = report.inputs.map { input in
            TemplateItem([
                "path": input.path, "kind": words.kind(input.kind), "bytes": format.count(Int(input.bytes)),
                "read": format.count(input.recordsRead), "rejected": format.count(input.recordsRejected),
                "sha256": input.sha256,
            ])
        }

        var values: [String: String] = [:]
        for (name, label) in words.labels { values["t." + name] = label }
        values["lang"] = language.rawValue
        values["runId"] = report.run.runId
        values["mode"] = report.run.mode
        values["asOf"] = format.time(report.run.asOf)
        values["startedAt"] = format.time(report.run.startedAt)
        values["finishedAt"] = format.time(report.run.finishedAt)
        values["timeZone"] = report.run.timeZone
        values["toolVersion"] = report.run.toolVersion
        values["overall"] = words.tally(totalCounts, format: format)
        values["findingsCount"] = format.count(report.findings.count)
        values["listNote"] = words.listNote(groups: groupItems.count, cap: cap, format: format)
        let root = TemplateItem(
            values,
            sections: [
                "days": dayRows, "other": otherRows, "total": [totalRow], "severities": severities,
                "inputs": inputs, "groups": groupItems,
            ])
        return Array(TemplateText.render(template, root).utf8)
    }

    /// The findings of one PEM and day (or of those without), counted by severity, with the first ones of each
    /// severity kept for the list.
    private struct FindingGroup {
        var counts: [Severity: Int] = [:]
        var total = 0
        /// Indices into the report's findings, by severity, in report order; at most the cap of each.
        var listed: [Severity: [Int]] = [:]

        mutating func add(_ index: Int, _ severity: Severity, cap: Int) {
            counts[severity, default: 0] += 1
            total += 1
            if counts[severity, default: 0] <= cap { listed[severity, default: []].append(index) }
        }

        /// The findings to list: the most severe first, then in report order, at most `cap`.
        func listedIndices(cap: Int) -> [Int] {
            var indices: [Int] = []
            for severity in Severity.allCases.reversed() {
                indices.append(contentsOf: (listed[severity] ?? []).prefix(cap - indices.count))
            }
            return indices
        }
    }

    private static func groupItem(
        _ group: FindingGroup, title: String, anchor: String, withPem: Bool, report: ReconciliationReport,
        words: SummaryWords, format: SummaryFormat
    ) -> TemplateItem {
        let cap = listedFindingsPerGroup
        let rows = group.listedIndices(cap: cap).map { index in
            let finding = report.findings[index]
            return TemplateItem([
                "pem": finding.pem ?? "", "severity": finding.severity.description,
                "severityName": words.severity(finding.severity), "code": finding.code.rawValue,
                "terminal": finding.terminal ?? "", "sale": finding.sale ?? "",
                "amount": finding.amount.map(format.amount) ?? "", "todo": words.todo(finding.code),
                "detail": finding.detail,
            ])
        }
        let hidden = group.total - rows.count
        return TemplateItem(
            [
                "anchor": anchor, "title": title, "tally": words.tally(group.counts, format: format),
                "moreText": hidden > 0 ? words.more(hidden, format: format) : "",
            ],
            sections: ["withPem": TemplateItem.when(withPem), "findings": rows, "more": TemplateItem.when(hidden > 0)])
    }

    /// The sales figures of a day (or of the total), counts and euros.
    private static func figures(_ day: DayStats, _ format: SummaryFormat) -> [String: String] {
        [
            "sales": format.count(day.sales), "salesAmount": format.amount(day.salesAmount),
            "paid": format.count(day.paid), "paidAmount": format.amount(day.paidAmount),
            "receipted": format.count(day.receipted), "receiptedAmount": format.amount(day.receiptedAmount),
            "offline": format.count(day.offline), "offlineAmount": format.amount(day.offlineAmount),
        ]
    }

    /// The four severity counts of a row; a critical or action count is marked (coloured) only when it is not zero.
    private static func severityCells(_ counts: [Severity: Int], _ format: SummaryFormat) -> [String: String] {
        let critical = counts[.critical] ?? 0
        let action = counts[.action] ?? 0
        return [
            "critical": format.count(critical), "criticalMark": critical > 0 ? " critical" : "",
            "action": format.count(action), "actionMark": action > 0 ? " action" : "",
            "warning": format.count(counts[.warning] ?? 0), "info": format.count(counts[.info] ?? 0),
        ]
    }
}
