import QuadraCore

/// Renders an `EmergencyReportUpload` as the XML form of A-Cube's emergency report body: root
/// `<emergency_report>` (no namespace), the fields in A-Cube's order, then `<entries>`. Null fields are left out.
public enum UploadXMLWriter {
    /// The upload as UTF-8 XML bytes, indented two spaces; the same upload always gives the same bytes.
    public static func render(_ upload: EmergencyReportUpload) throws(XMLError) -> [UInt8] {
        let xml = try XMLMemoryWriter()
        try xml.startDocument()
        try xml.startElement("emergency_report")
        try write(upload.fields, to: xml)
        try xml.startElement("entries")
        for entry in upload.entries {
            try xml.startElement("entry")
            try write(EmergencyReportUpload.fields(of: entry), to: xml)
            try xml.endElement()
        }
        try xml.endElement()
        try xml.endElement()
        return try xml.finish()
    }

    private static func write(_ fields: [(name: String, value: UploadFieldValue)], to xml: XMLMemoryWriter)
        throws(XMLError)
    {
        for (name, value) in fields {
            switch value {
            case .string(let text): try xml.element(name, text: text)
            case .integer(let number): try xml.element(name, text: String(number))
            case .boolean(let flag): try xml.element(name, text: flag ? "true" : "false")
            case .null: continue
            }
        }
    }
}
