import Testing

@testable import QuadraCore

/// No amount, however large, traps: inputs are bounded, sums are checked or wide, and an overflow rejects the
/// record that caused it.
@Suite struct MoneyOverflowTests {
    @Test func inputsAboveTheLargestAmountAreRefused() {
        #expect(Money.parse("99999999999.99") == Money.largestInput)
        #expect(Money.parse("100000000000.00") == nil)
        #expect(Money.parse("92233720368547758.07") == nil)
        let line =
            #"{"ts":"2026-11-21T10:00:00+01:00","event":"payment_response","terminal":"T1","sale":"S-1","posRefId":"p","success":true,"amount":9223372036854775807}"#
        let decoded = Array(line.utf8).withUnsafeBufferPointer { PosLineDecoding.strictly($0, lineNumber: 1) }
        guard case .failure(let rejection) = decoded else {
            Issue.record("an amount of 2^63 - 1 cents was accepted")
            return
        }
        #expect(rejection.message == #"bad "amount": expected at most 9999999999999 cents, found 9223372036854775807"#)
    }

    @Test func anUploadItemThatWouldOverflowItsDayIsLeftOutAndNamed() {
        let day = FiscalDay(year: 2026, month: 11, day: 21)
        let half = Money(cents: Int64.max / 2 + 1)
        let items = (1...3).map { index in
            UploadItem(
                pem: "E001-000001", day: day, sale: "S-\(index)", recordedAt: Instant(millis: 1_795_000_000_000),
                payment: .cash, lines: [VatAmount(vat: VatCode("22.00")!, gross: half)],
                source: SourceLocation(file: "emergency/r.csv", line: index + 1))
        }
        let other = UploadItem(
            pem: "E001-000002", day: day, sale: "S-9", recordedAt: Instant(millis: 1_795_000_000_000), payment: .cash,
            lines: [VatAmount(vat: VatCode("N1")!, gross: half)])
        let checked = UploadBuilder.checked(items + [other])
        #expect(checked.kept.map(\.sale) == ["S-1", "S-9"])
        #expect(checked.rejected.map(\.location.line) == [3, 4])
        #expect(checked.rejected.allSatisfy { $0.message.contains("add up to more than can be counted") })
        // The uploads build without a trap, the 22% split done in 128 bits.
        let uploads = UploadBuilder.build(items: items, timeZone: .rome, isCovered: { _ in false })
        #expect(uploads.count == 1)
        #expect(uploads.first?.entries.first?.gross == half)
        let partial = UploadBuilder.partialAmount(gross: Money(cents: Int64.max), vat: VatCode("22.00")!)
        // 9223372036854775807 × 100 / 122 = 7560141013815390005.5…, rounded half up.
        #expect(partial == Money(cents: 7_560_141_013_815_390_006))
    }

    @Test func dayFiguresAddUpPastSixtyFourBits() {
        var stats = DayStats(key: PemDay(pem: "E001-000001", day: FiscalDay(year: 2026, month: 11, day: 21)))
        for _ in 0..<3 { stats.add(sale: Money(cents: Int64.max), paid: true, receipted: false, offline: true) }
        let merged = stats.adding(stats)
        #expect(merged.salesAmount.description == "553402322211286548.42")  // 6 × (2^63 − 1) cents
        #expect(merged.receiptedAmount == .zero)
    }
}

/// Dates that reports could not write as `xs:date`, or that name upload files, stay within years 0001–9999.
@Suite struct DateRangeTests {
    @Test(arguments: [
        "0000-06-01T10:00:00Z", "0000-01-01 10:00", "9999-12-31T23:00:00-05:00", "9999-12-31 23:00",
        "0001-01-01T00:30:00+01:00", "9999-12-30T10:00:00Z",
    ])
    func aTimestampNearOrPastTheEndsOfTheCalendarIsRefused(text: String) {
        #expect(TimestampParser.parse(text) == nil)
    }

    @Test func theRangeInsideIsRead() {
        #expect(TimestampParser.parse("0001-01-03T00:00:00+14:00") != nil)
        #expect(TimestampParser.parse("9999-12-29 23:59") != nil)
        #expect(FiscalDay.parse("0000-01-01") == nil)
        #expect(FiscalDay.parse("2026-11-21") != nil)
    }
}
