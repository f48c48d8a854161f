import QuadraGenerator
import Testing

@testable import QuadraCore

/// Offsets come from a table of the zone's changes built once; it must agree with Foundation (ICU) everywhere.
@Suite struct FiscalTimeZoneTests {
    @Test(arguments: ["Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Europe/Moscow", "Asia/Kolkata", "UTC"])
    func theOffsetTableAgreesWithFoundation(identifier: String) throws {
        let zone = try #require(FiscalTimeZone(identifier: identifier))
        var random = SplitMix64(seed: 5)
        // Random instants from 1970 to 2150, and every second around the 2026 changes of Rome.
        for _ in 0..<20_000 {
            let instant = Instant(millis: Int64(random.next() % 5_680_000_000_000))
            #expect(zone.offsetSeconds(at: instant) == zone.icuOffsetSeconds(at: instant), "\(identifier) \(instant)")
        }
        for change: Int64 in [1_774_746_000, 1_792_890_000] {
            for second in change - 3...change + 3 {
                let instant = Instant(seconds: second)
                #expect(
                    zone.offsetSeconds(at: instant) == zone.icuOffsetSeconds(at: instant), "\(identifier) \(second)")
            }
        }
    }

    /// The memo judges use gives `fiscalDay(of:)`'s answer, whether the instants stay on one day, walk across
    /// midnights and offset changes minute by minute, or jump about.
    @Test(arguments: ["Europe/Rome", "Australia/Lord_Howe", "America/St_Johns"])
    func theDayMemoAnswersAsTheZoneDoes(identifier: String) throws {
        let zone = try #require(FiscalTimeZone(identifier: identifier))
        var memo = FiscalDayMemo()
        var random = SplitMix64(seed: 9)
        // Every minute of 2026-03-27 to 2026-04-06 and 2026-10-23 to 2026-11-02 (both changes of Rome, and Lord
        // Howe's half-hour one), then random instants.
        var instants: [Instant] = []
        for start: Int64 in [1_774_569_600, 1_792_713_600] {
            instants += stride(from: start, to: start + 10 * 86_400, by: 60).map { Instant(seconds: $0) }
        }
        instants += (0..<5_000).map { _ in Instant(millis: Int64(random.next() % 5_680_000_000_000)) }
        for instant in instants {
            #expect(memo.day(of: instant, in: zone) == zone.fiscalDay(of: instant), "\(identifier) \(instant)")
        }
    }

    @Test func romeChangesAtTheEndOfMarchAndOctober2026() {
        let rome = FiscalTimeZone.rome
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_774_745_999)) == 3600)
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_774_746_000)) == 7200)  // 2026-03-29T01:00Z
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_792_889_999)) == 7200)
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_792_890_000)) == 3600)  // 2026-10-25T01:00Z
    }
}
