import QuadraGenerator
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

    /// Uuids that differ only in some of their bytes (the last ones, the first ones, the middle ones, every eighth bit)
    /// spread over the slots like random ones: a lookup reads about 1.5 slots, and never a long run. With a hash that
    /// dropped the low bits, the uuids differing only in their last bytes shared runs of 128 slots, and those
    /// differing only in their first bytes all shared one (a million of them never finished reading).
    /// Uuids made to differ in a few bytes only.
    enum Pattern: String, CaseIterable, Sendable {
        case lastBytes, firstBytes, middleBytes, lowBitsCleared, oneByteEach

        /// The `n`th uuid of the pattern (distinct for `n` below 2^24).
        func key(_ n: UInt64) -> AcubeReceiptTable.Key {
            switch self {
            case .lastBytes: .init(high: 0x0B7E_1C1A_0001_4000, low: 0x8000_0000_0000_0000 | n)
            case .firstBytes: .init(high: n << 40 | 0x4000, low: 0x8000_0000_0000_0001)
            case .middleBytes: .init(high: 0x0B7E_1C1A_0000_0000 | n >> 8, low: n << 56)
            case .lowBitsCleared: .init(high: n << 7, low: n << 7)
            case .oneByteEach: .init(high: (n & 0xFF) << 56 | (n >> 8 & 0xFF) << 24, low: (n >> 16 & 0xFF) << 8)
            }
        }
    }

    @Test(arguments: Pattern.allCases)
    func uuidsThatDifferInFewBytesSpreadOverTheSlots(_ pattern: Pattern) {
        var table = AcubeReceiptTable()
        let count: UInt64 = 1 << 14  // the table is then exactly half full, its fullest
        for n in 0..<count { table.insertIfAbsent(Self.receipt(AcubeReceiptTable.text(of: pattern.key(n)))) }
        #expect(table.count == Int(count), "\(pattern): distinct uuids")
        let (longest, mean) = table.probeStatistics
        #expect(mean < 2.5, "\(pattern): a lookup reads \(mean) slots on average; 1.5 for random uuids")
        #expect(longest <= 64, "\(pattern): a lookup reads up to \(longest) slots")
        for n in stride(from: 0, to: count, by: 97) {
            #expect(table.index(of: AcubeReceiptTable.text(of: pattern.key(n))) == Int(n))
        }
    }

    @Test func randomUuidsReadAboutOneAndAHalfSlots() {
        var table = AcubeReceiptTable()
        var random = SplitMix64(seed: 3)
        for _ in 0..<(1 << 14) {
            table.insertIfAbsent(
                Self.receipt(AcubeReceiptTable.text(of: .init(high: random.next(), low: random.next()))))
        }
        let (longest, mean) = table.probeStatistics
        #expect(mean < 2.5 && longest <= 64, "\(mean) \(longest)")
    }
}
