import QuadraCore

/// Renders a `ReconciliationReport` as `reconciliation.xml` (formats.md §4), valid against the embedded
/// `reconciliation.xsd`, with libxml2's streaming writer: UTF-8, indented two spaces, deterministic.
public enum ReportXMLWriter {
    /// The report's contract version, written as the root's `contractVersion`.
    public static let contractVersion = "1"

    /// The report as UTF-8 XML bytes; the same report always gives the same bytes.
    public static func render(_ report: ReconciliationReport) throws(XMLError) -> [UInt8] {
        let xml = try XMLMemoryWriter()
        try xml.startDocument()
        try xml.startElement("reconciliation")
        try xml.attribute("xmlns", XMLSchemaKind.reconciliation.namespace)
        try xml.attribute("contractVersion", contractVersion)

        let run = report.run
        try xml.startElement("run")
        try xml.attribute("toolVersion", run.toolVersion)
        try xml.attribute("runId", run.runId)
        try xml.attribute("timeZone", run.timeZone)
        try xml.attribute("asOf", run.asOf)
        try xml.attribute("startedAt", run.startedAt)
        try xml.attribute("finishedAt", run.finishedAt)
        try xml.attribute("mode", run.mode)
        try xml.endElement()

        try xml.startElement("inputs")
        for input in report.inputs {
            try xml.startElement("input")
            try xml.attribute("path", input.path)
            try xml.attribute("kind", input.kind.rawValue)
            try xml.attribute("sha256", input.sha256)
            try xml.attribute("bytes", String(input.bytes))
            try xml.attribute("records", String(input.recordsRead))
            try xml.attribute("rejected", String(input.recordsRejected))
            try xml.endElement()
        }
        try xml.endElement()

        try xml.startElement("counts")
        for (code, count) in report.countsByCode {
            try xml.startElement("count")
            try xml.attribute("code", code.rawValue)
            try xml.attribute("severity", code.severity.description)
            try xml.text(String(count))
            try xml.endElement()
        }
        try xml.endElement()

        try xml.startElement("findings")
        for finding in report.findings {
            try xml.startElement("finding")
            try xml.attribute("code", finding.code.rawValue)
            try xml.attribute("severity", finding.severity.description)
            try xml.attribute("pem", ifPresent: finding.pem)
            try xml.attribute("fiscalDay", ifPresent: finding.fiscalDay?.description)
            try xml.attribute("terminal", ifPresent: finding.terminal)
            try xml.attribute("sale", ifPresent: finding.sale)
            try xml.attribute("posRefId", ifPresent: finding.posRefId)
            try xml.attribute("receiptUuid", ifPresent: finding.receiptUuid)
            try xml.attribute("amount", ifPresent: finding.amount?.description)
            try xml.text(finding.detail)
            try xml.endElement()
        }
        try xml.endElement()

        try xml.endElement()
        return try xml.finish()
    }
}
