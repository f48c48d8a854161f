import Testing

@testable import QuadraCore

/// `RegisterSales` answers "does a register name this (PEM, sale)?" through a bit filter on the sale id, then the
/// set. The filter must never say no to a pair the set holds, even for texts Swift compares equal across bytes.
@Suite struct RegisterSalesTests {
    static func entry(_ pem: String, _ sale: String?) -> RegisterEntry {
        RegisterEntry(
            pem: pem, recordedAt: Instant(millis: 0), fiscalDay: FiscalDay(year: 2026, month: 11, day: 21),
            sale: sale, payment: .cash, lines: [], source: SourceLocation(file: "emergency/r.csv", line: 2))
    }

    @Test func namedPairsAreFoundAndOthersAreNot() {
        let entries = (0..<500).map { Self.entry("E\($0 % 7)", "T\($0)-\($0 * 3)") } + [Self.entry("E1", nil)]
        let sales = RegisterSales(entries)
        #expect(!sales.isEmpty)
        for index in 0..<500 { #expect(sales.contains(pem: "E\(index % 7)", sale: "T\(index)-\(index * 3)")) }
        var found = 0
        for index in 500..<20_000 where sales.contains(pem: "E\(index % 7)", sale: "T\(index)-\(index * 3)") {
            found += 1
        }
        #expect(found == 0)
        #expect(!sales.contains(pem: "E2", sale: "T1-3"), "the sale of another PEM")
        #expect(RegisterSales([Self.entry("E1", nil)]).isEmpty)
    }

    @Test func saleIdsEqualAcrossBytesAreFoundEitherWay() {
        // U+212A KELVIN SIGN is canonically equivalent to "K": Swift (and the set) compare them equal.
        let kelvin = "\u{212A}1"
        #expect(kelvin == "K1")
        #expect(RegisterSales([Self.entry("E1", "K1")]).contains(pem: "E1", sale: kelvin))
        #expect(RegisterSales([Self.entry("E1", kelvin)]).contains(pem: "E1", sale: "K1"))
        #expect(!RegisterSales([Self.entry("E1", "K1")]).contains(pem: "E1", sale: "\u{212B}1"))
    }
}
