import Testing

@testable import QuadraCore

/// The column store of A-Cube receipts gives back exactly what was put in, for canonical uuids (kept as 16 bytes)
/// and for any other text.
@Suite struct AcubeReceiptTableTests {
    static func receipt(_ uuid: String, kind: AcubeReceipt.Kind = .sale, total: Int64? = 1250, number: String? = "7")
        -> AcubeReceipt
    {
        AcubeReceipt(
            uuid: uuid, kind: kind, totalAmount: total.map { Money(cents: $0) }, documentNumber: number,
            documentAt: Instant(seconds: 1_795_000_000),
            parentUuid: kind == .void ? "0b7e1c1a-0099-4000-8000-000000000001" : nil,
            source: SourceLocation(file: "acube/E1/receipts-1.json", line: 12))
    }

    @Test func everyReceiptComesBackAsItWasAdded() {
        var table = AcubeReceiptTable()
        let receipts = [
            Self.receipt("0b7e1c1a-0099-4000-8000-000000000099"),
            Self.receipt("ffffffff-ffff-ffff-ffff-ffffffffffff", kind: .void, total: nil, number: nil),
            Self.receipt("00000000-0000-0000-0000-000000000000", kind: .return, total: nil),
            Self.receipt("u-1"),
            Self.receipt("0B7E1C1A-0099-4000-8000-000000000099"),  // not lower-case: kept as text
            Self.receipt("0b7e1c1a-0099-4000-8000-00000000009g"),  // not hexadecimal: kept as text
        ]
        for receipt in receipts { table.insertIfAbsent(receipt) }
        #expect(table.count == receipts.count)
        for (position, receipt) in receipts.enumerated() {
            #expect(table[receipt.uuid] == receipt)
            #expect(table.index(of: receipt.uuid) == position)
            #expect(table.receipt(at: position) == receipt)
        }
        #expect(table.keys == receipts.map(\.uuid))
        #expect(table.voidedParents == ["0b7e1c1a-0099-4000-8000-000000000001"])
        #expect(table["0b7e1c1a-0099-4000-8000-000000000098"] == nil)
    }

    @Test func theFirstOfTwoReceiptsWithOneUuidWins() {
        var table = AcubeReceiptTable()
        table.insertIfAbsent(Self.receipt("0b7e1c1a-0099-4000-8000-000000000099", total: 100))
        table.insertIfAbsent(Self.receipt("0b7e1c1a-0099-4000-8000-000000000099", total: 200))
        #expect(table.count == 1)
        #expect(table.totalAmount(at: 0) == Money(cents: 100))
    }

    @Test func manyUuidsGrowTheTableAndAreAllFound() {
        var table = AcubeReceiptTable()
        var random = SplitMix64(seed: 17)
        var uuids: [String] = []
        for _ in 0..<20_000 {
            let high = random.next()
            let low = random.next()
            let uuid = AcubeReceiptTable.text(of: .init(high: high, low: low))
            uuids.append(uuid)
            table.insertIfAbsent(Self.receipt(uuid))
        }
        #expect(table.count == Set(uuids).count)
        for (position, uuid) in uuids.enumerated() { #expect(table.index(of: uuid) == position) }
        // A copy is independent of the original (copy on write).
        var copy = table
        copy.insertIfAbsent(Self.receipt("u-extra"))
        #expect(copy.count == table.count + 1)
        #expect(table.index(of: "u-extra") == nil)
    }
}
