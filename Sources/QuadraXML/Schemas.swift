// Generated from Templates/*.xsd: edit the templates, then copy them here byte for byte
// (SchemaTests checks that the two never drift).

/// The two XML schemas of the contract, embedded so that the binary never reads them from disk.
public enum Schemas {
    /// `Templates/reconciliation.xsd`: the report `quadra run` writes (namespace `urn:quadra:reconciliation:1`).
    public static let reconciliation: String = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          Quadra reconciliation report, contract version 1 (formats.md section 4).

          quadra run writes OUT/reconciliation.xml with libxml2's streaming writer; quadra validate checks a
          report against this schema. The report holds the run, every input read, the number of findings per
          code, and one finding element per finding in report order (pem, fiscal day, terminal, sale, code,
          then the rest of the subject). A finding's text is its detail.
        -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns:r="urn:quadra:reconciliation:1"
                   targetNamespace="urn:quadra:reconciliation:1"
                   elementFormDefault="qualified"
                   attributeFormDefault="unqualified">

          <xs:element name="reconciliation">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="run" type="r:Run"/>
                <xs:element name="inputs" type="r:Inputs"/>
                <xs:element name="counts" type="r:Counts"/>
                <xs:element name="findings" type="r:Findings"/>
              </xs:sequence>
              <xs:attribute name="contractVersion" type="xs:token" use="required" fixed="1"/>
            </xs:complexType>
            <xs:unique name="uniqueInputPath">
              <xs:selector xpath="r:inputs/r:input"/>
              <xs:field xpath="@path"/>
            </xs:unique>
            <xs:unique name="uniqueCountCode">
              <xs:selector xpath="r:counts/r:count"/>
              <xs:field xpath="@code"/>
            </xs:unique>
          </xs:element>

          <!-- The run: tool version, run id, fiscal time zone, reference time (as-of), start and end. -->
          <xs:complexType name="Run">
            <xs:attribute name="toolVersion" type="r:NonEmptyString" use="required"/>
            <xs:attribute name="runId" type="r:NonEmptyString" use="required"/>
            <xs:attribute name="timeZone" type="r:NonEmptyString" use="required"/>
            <xs:attribute name="asOf" type="r:Timestamp" use="required"/>
            <xs:attribute name="startedAt" type="r:Timestamp" use="required"/>
            <xs:attribute name="finishedAt" type="r:Timestamp" use="required"/>
            <xs:attribute name="mode" type="r:Mode" use="required"/>
          </xs:complexType>

          <xs:complexType name="Inputs">
            <xs:sequence>
              <xs:element name="input" type="r:Input" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>

          <!-- One input file: path relative to the night's directory, SHA-256, size, records read and rejected. -->
          <xs:complexType name="Input">
            <xs:attribute name="path" type="r:NonEmptyString" use="required"/>
            <xs:attribute name="kind" type="r:InputKind" use="required"/>
            <xs:attribute name="sha256" type="r:Sha256" use="required"/>
            <xs:attribute name="bytes" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="records" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="rejected" type="xs:nonNegativeInteger" use="required"/>
          </xs:complexType>

          <xs:complexType name="Counts">
            <xs:sequence>
              <xs:element name="count" type="r:Count" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>

          <!-- How many findings carry a code, for every code that occurs, sorted by code. -->
          <xs:complexType name="Count">
            <xs:simpleContent>
              <xs:extension base="xs:positiveInteger">
                <xs:attribute name="code" type="r:FindingCode" use="required"/>
                <xs:attribute name="severity" type="r:Severity" use="required"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>

          <xs:complexType name="Findings">
            <xs:sequence>
              <xs:element name="finding" type="r:Finding" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>

          <!-- One finding; the attributes after severity appear where they apply. The text is the detail. -->
          <xs:complexType name="Finding">
            <xs:simpleContent>
              <xs:extension base="xs:string">
                <xs:attribute name="code" type="r:FindingCode" use="required"/>
                <xs:attribute name="severity" type="r:Severity" use="required"/>
                <xs:attribute name="pem" type="xs:string" use="optional"/>
                <xs:attribute name="fiscalDay" type="r:FiscalDay" use="optional"/>
                <xs:attribute name="terminal" type="xs:string" use="optional"/>
                <xs:attribute name="sale" type="xs:string" use="optional"/>
                <xs:attribute name="posRefId" type="xs:string" use="optional"/>
                <xs:attribute name="receiptUuid" type="xs:string" use="optional"/>
                <xs:attribute name="amount" type="r:Amount" use="optional"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>

          <xs:simpleType name="NonEmptyString">
            <xs:restriction base="xs:string">
              <xs:minLength value="1"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- RFC 3339 with an offset: 2026-11-21T19:02:00+01:00, 2026-11-21T18:02:00.250Z (xs:dateTime keeps
               the digits ASCII). -->
          <xs:simpleType name="Timestamp">
            <xs:restriction base="xs:dateTime">
              <xs:pattern value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+\-]\d{2}:\d{2})"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Mode">
            <xs:restriction base="xs:string">
              <xs:enumeration value="offline"/>
              <xs:enumeration value="online"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="InputKind">
            <xs:restriction base="xs:string">
              <xs:enumeration value="pos-log"/>
              <xs:enumeration value="acube-receipts"/>
              <xs:enumeration value="acube-journals"/>
              <xs:enumeration value="acube-notifications"/>
              <xs:enumeration value="acube-emergency-reports"/>
              <xs:enumeration value="register-csv"/>
              <xs:enumeration value="register-xml"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Sha256">
            <xs:restriction base="xs:string">
              <xs:pattern value="[0-9a-f]{64}"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- The finding codes of formats.md section 3. -->
          <xs:simpleType name="FindingCode">
            <xs:restriction base="xs:string">
              <xs:enumeration value="PAYMENT_IN_PROGRESS"/>
              <xs:enumeration value="PAYMENT_RECOVERED_APPROVED"/>
              <xs:enumeration value="PAYMENT_RECOVERED_DECLINED"/>
              <xs:enumeration value="PAYMENT_MANUAL_OVERRIDE"/>
              <xs:enumeration value="PAYMENT_STILL_IN_PROGRESS"/>
              <xs:enumeration value="PAYMENT_NOT_FOUND"/>
              <xs:enumeration value="PAYMENT_UNREACHABLE"/>
              <xs:enumeration value="PAYMENT_AMOUNT_MISMATCH"/>
              <xs:enumeration value="DOUBLE_CHARGE"/>
              <xs:enumeration value="RECEIPT_MISSING"/>
              <xs:enumeration value="RECEIPT_NOT_IN_JOURNAL"/>
              <xs:enumeration value="RECEIPT_AMOUNT_MISMATCH"/>
              <xs:enumeration value="RECEIPT_FOR_UNPAID_SALE"/>
              <xs:enumeration value="ORPHAN_RECEIPT"/>
              <xs:enumeration value="RECEIPT_DURING_OFFLINE"/>
              <xs:enumeration value="OFFLINE_SALE_NOT_RECORDED"/>
              <xs:enumeration value="OFFLINE_RECORD_UNSUBMITTED"/>
              <xs:enumeration value="OFFLINE_PERIOD_NOT_NOTIFIED"/>
              <xs:enumeration value="JOURNAL_NOT_CLOSED"/>
              <xs:enumeration value="COMMUNICATION_INCIDENT"/>
              <xs:enumeration value="PLATFORM_OFFLINE"/>
              <xs:enumeration value="ACUBE_DATA_MISSING"/>
              <xs:enumeration value="SUBMISSION_REJECTED"/>
              <xs:enumeration value="SUBMISSION_UNCERTAIN"/>
              <xs:enumeration value="INPUT_REJECTED"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- Severity order: info < warning < action < critical. -->
          <xs:simpleType name="Severity">
            <xs:restriction base="xs:string">
              <xs:enumeration value="info"/>
              <xs:enumeration value="warning"/>
              <xs:enumeration value="action"/>
              <xs:enumeration value="critical"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="FiscalDay">
            <xs:restriction base="xs:date">
              <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- Euros with exactly two decimals and a decimal point: 12.50, -0.05. -->
          <xs:simpleType name="Amount">
            <xs:restriction base="xs:string">
              <xs:pattern value="-?[0-9]+\.[0-9]{2}"/>
            </xs:restriction>
          </xs:simpleType>

        </xs:schema>

        """#

    /// `Templates/emergency-register.xsd`: a merchant's emergency register (namespace
    /// `urn:quadra:emergency-register:1`).
    public static let emergencyRegister: String = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          Quadra emergency register, contract version 1 (formats.md section 1.4).

          A merchant keeps this register by hand or with a small tool while the fiscal platform or the POS is
          offline. Quadra reads it with libxml2, network off, no DTD and no entity expansion: a document with a
          DOCTYPE is rejected whole, and so is one that does not match this schema.

          The schema checks the shape and the lexical form of each value. What it cannot check is left to the
          reader, which rejects only the entry concerned: a timestamp that is not a real date and time, a VAT
          rate code that A-Cube does not list, a gross amount that is zero or has more than two decimals.
        -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns:r="urn:quadra:emergency-register:1"
                   targetNamespace="urn:quadra:emergency-register:1"
                   elementFormDefault="qualified"
                   attributeFormDefault="unqualified">

          <xs:element name="emergencyRegister">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="entry" type="r:Entry" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
              <!-- The PEM serial number of the fiscal device, e.g. E001-000001. -->
              <xs:attribute name="pem" type="r:NonEmptyToken" use="required"/>
            </xs:complexType>
          </xs:element>

          <!-- One sale as the merchant wrote it down: one line per VAT rate or per sale line. -->
          <xs:complexType name="Entry">
            <xs:sequence>
              <xs:element name="line" type="r:Line" minOccurs="1" maxOccurs="unbounded"/>
            </xs:sequence>
            <!-- RFC 3339 with offset, or local time in the fiscal zone: YYYY-MM-DD HH:MM[:SS] or
                 YYYY-MM-DDTHH:MM:SS. The reader checks it and rejects only the entry when it is wrong. -->
            <xs:attribute name="recordedAt" type="r:Timestamp" use="required"/>
            <!-- The POS sale id; absent for a sale the POS never logged. -->
            <xs:attribute name="sale" type="xs:token" use="optional"/>
            <xs:attribute name="payment" type="r:Payment" use="required"/>
          </xs:complexType>

          <xs:complexType name="Line">
            <!-- An A-Cube vat_rate_code: 4.00, 5.00, 10.00, 22.00 ... or a natura code N1 ... N6. -->
            <xs:attribute name="vatRateCode" type="r:VatRateCode" use="required"/>
            <!-- Euros, greater than zero, with a decimal point or a decimal comma: 12.50 or 12,50. -->
            <xs:attribute name="gross" type="r:Decimal" use="required"/>
          </xs:complexType>

          <xs:simpleType name="NonEmptyToken">
            <xs:restriction base="xs:token">
              <xs:minLength value="1"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Timestamp">
            <xs:restriction base="xs:token">
              <xs:minLength value="1"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Payment">
            <xs:restriction base="xs:token">
              <xs:enumeration value="cash"/>
              <xs:enumeration value="electronic"/>
              <xs:enumeration value="ticket"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="VatRateCode">
            <xs:restriction base="xs:token">
              <xs:pattern value="[0-9]{1,3}([.,][0-9]{1,2})?|[Nn][0-9]"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Decimal">
            <xs:restriction base="xs:token">
              <xs:pattern value="[0-9]{1,13}([.,][0-9]{1,4})?"/>
            </xs:restriction>
          </xs:simpleType>

        </xs:schema>

        """#

    /// `Templates/emergency-report.xsd`: the XML form of an emergency report upload (no namespace).
    public static let emergencyReport: String = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          The XML form of an emergency report upload that Quadra prepares (OUT/uploads/<PEM>/<fiscal-day>.xml): A-Cube's
          EmergencyReportInput (acube-openapi-subset.json) with the same field names, in A-Cube's order, under the root
          element emergency_report, without a namespace. Fields that are null in the JSON form are left out.
        -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="unqualified">

          <xs:element name="emergency_report">
            <xs:complexType>
              <xs:sequence>
                <!-- RFC 3339 with an offset: the latest recorded time of the day's entries. -->
                <xs:element name="datetime" type="DateTimeWithOffset"/>
                <xs:element name="documents_count" type="xs:nonNegativeInteger"/>
                <xs:element name="cash_payment_amount" type="Amount"/>
                <xs:element name="electronic_payment_amount" type="Amount"/>
                <xs:element name="ticket_restaurant_payment_amount" type="Amount"/>
                <xs:element name="ticket_restaurant_quantity" type="xs:nonNegativeInteger"/>
                <xs:element name="entries">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="entry" type="Entry" minOccurs="1" maxOccurs="unbounded"/>
                    </xs:sequence>
                  </xs:complexType>
                </xs:element>
              </xs:sequence>
            </xs:complexType>
          </xs:element>

          <!-- One VAT rate code of the day. -->
          <xs:complexType name="Entry">
            <xs:sequence>
              <xs:element name="vat_rate_code" type="VatRateCode"/>
              <xs:element name="vat_amount" type="Amount"/>
              <xs:element name="simplified_vat_allocation" type="xs:boolean"/>
              <xs:element name="partial_amount" type="Amount"/>
              <xs:element name="total_returned_amount" type="Amount" minOccurs="0"/>
              <xs:element name="total_voided_amount" type="Amount" minOccurs="0"/>
              <xs:element name="total_prepaid_or_voucher_amount" type="Amount" minOccurs="0"/>
              <xs:element name="total_uncollected_services" type="Amount" minOccurs="0"/>
              <xs:element name="total_uncollected_invoiced" type="Amount" minOccurs="0"/>
              <xs:element name="total_uncollected_dcr_to_ssn" type="Amount" minOccurs="0"/>
              <xs:element name="total_uncollected_complimentary" type="Amount" minOccurs="0"/>
              <xs:element name="ateco_code" type="xs:string" minOccurs="0"/>
            </xs:sequence>
          </xs:complexType>

          <!-- Euros with two decimals, as A-Cube's decimal strings: 0.00, 12.50. -->
          <xs:simpleType name="Amount">
            <xs:restriction base="xs:string">
              <xs:pattern value="-?[0-9]+\.[0-9]{2}"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- A rate A-Cube lists (22.00, 10.00…) or a natura code N1…N6. -->
          <xs:simpleType name="VatRateCode">
            <xs:restriction base="xs:string">
              <xs:pattern value="[0-9]{1,2}\.[0-9]{2}|N[1-6]"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="DateTimeWithOffset">
            <xs:restriction base="xs:dateTime">
              <xs:pattern value=".*(Z|[+\-][0-9]{2}:[0-9]{2})"/>
            </xs:restriction>
          </xs:simpleType>

        </xs:schema>

        """#
}
