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

    @Test func romeChangesAtTheEndOfMarchAndOctober2026() {
        let rome = FiscalTimeZone.rome
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_774_745_999)) == 3600)
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_774_746_000)) == 7200)  // 2026-03-29T01:00Z
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_792_889_999)) == 7200)
        #expect(rome.offsetSeconds(at: Instant(seconds: 1_792_890_000)) == 3600)  // 2026-10-25T01:00Z
    }
}
