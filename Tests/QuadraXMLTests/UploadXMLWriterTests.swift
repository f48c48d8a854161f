import Foundation
import QuadraCore
import Testing

@testable import QuadraXML

@Suite struct UploadXMLWriterTests {
    private func upload() throws -> EmergencyReportUpload {
        EmergencyReportUpload(
            pem: "E001-000001", fiscalDay: FiscalDay(year: 2026, month: 11, day: 21),
            datetime: "2026-11-21T20:40:30+01:00", documentsCount: 3, cashPaymentAmount: Money(cents: 1800),
            electronicPaymentAmount: Money(cents: 1000), ticketRestaurantPaymentAmount: Money(cents: 800),
            ticketRestaurantQuantity: 2,
            entries: [
                .init(
                    vatRateCode: try #require(VatCode("10.00")), gross: Money(cents: 450), vatAmount: Money(cents: 41),
                    partialAmount: Money(cents: 409)),
                .init(
                    vatRateCode: try #require(VatCode("N2")), gross: Money(cents: 100), vatAmount: .zero,
                    partialAmount: Money(cents: 100)),
            ])
    }

    @Test func rendersTheExactDocument() throws {
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <emergency_report>
              <datetime>2026-11-21T20:40:30+01:00</datetime>
              <documents_count>3</documents_count>
              <cash_payment_amount>18.00</cash_payment_amount>
              <electronic_payment_amount>10.00</electronic_payment_amount>
              <ticket_restaurant_payment_amount>8.00</ticket_restaurant_payment_amount>
              <ticket_restaurant_quantity>2</ticket_restaurant_quantity>
              <entries>
                <entry>
                  <vat_rate_code>10.00</vat_rate_code>
                  <vat_amount>0.41</vat_amount>
                  <simplified_vat_allocation>false</simplified_vat_allocation>
                  <partial_amount>4.09</partial_amount>
                </entry>
                <entry>
                  <vat_rate_code>N2</vat_rate_code>
                  <vat_amount>0.00</vat_amount>
                  <simplified_vat_allocation>false</simplified_vat_allocation>
                  <partial_amount>1.00</partial_amount>
                </entry>
              </entries>
            </emergency_report>

            """
        let bytes = try UploadXMLWriter.render(upload())
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(try UploadXMLWriter.render(upload()) == bytes)
    }

    @Test func uploadWithoutEntriesHasAnEmptyEntriesElement() throws {
        var empty = try upload()
        empty.entries = []
        let text = String(decoding: try UploadXMLWriter.render(empty), as: UTF8.self)
        #expect(text.hasSuffix("  <entries/>\n</emergency_report>\n"))
        #expect(text.contains("<ticket_restaurant_quantity>2</ticket_restaurant_quantity>"))
    }
}
