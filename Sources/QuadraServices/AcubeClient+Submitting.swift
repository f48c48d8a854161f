import QuadraCore

/// `AcubeClient` is the real A-Cube of the submission engine.
extension AcubeClient: AcubeSubmitting {
    /// The fiscal days (in `timeZone`) of the PEM's emergency reports that A-Cube lists, by `datetime`, else
    /// `closed_at` (formats.md §2). A report whose date cannot be read covers no day.
    public func emergencyReportDays(pem: String, timeZone: FiscalTimeZone) async throws -> Set<FiscalDay> {
        let list = try await emergencyReports(pem: pem)
        var days = Set<FiscalDay>()
        for report in list.reports {
            guard let parsed = TimestampParser.parse(report.datetime) else { continue }
            days.insert(timeZone.fiscalDay(of: timeZone.instant(of: parsed)))
        }
        return days
    }
}
