import Foundation
import QuadraGenerator
import Testing

@testable import QuadraCore

/// `AcubeTimestamps`, which both A-Cube paths read times with, remembers the last date and offset run it saw: it
/// must give what `TimestampParser.parse` then `FiscalTimeZone.instant(of:)` give, in any order of texts.
@Suite struct AcubeTimestampsTests {
    static let zones = ["Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]

    static func plain(_ text: String, _ zone: FiscalTimeZone) -> Instant? {
        TimestampParser.parse(text).map { zone.instant(of: $0) }
    }

    static func expectSame(_ texts: [String], _ zone: FiscalTimeZone, _ name: String) {
        var times = AcubeTimestamps(timeZone: zone)
        var differences: [String] = []
        for text in texts {
            let remembered = Array(text.utf8).withUnsafeBufferPointer { times.instant($0) }
            if remembered != plain(text, zone) { differences.append(text) }
        }
        #expect(differences.isEmpty, "\(name): \(differences.prefix(5)) of \(differences.count)")
    }

    /// Local times every 13 minutes over three years (each spring and autumn change), in order and shuffled.
    @Test(arguments: zones) func localTimesAcrossTheOffsetChanges(_ name: String) throws {
        let zone = try #require(FiscalTimeZone(identifier: name))
        var texts: [String] = []
        var millis: Int64 = 1_735_689_600_000  // 2025-01-01T00:00:00Z
        let end: Int64 = 1_830_297_600_000  // 2028-01-01T00:00:00Z
        while millis < end {
            let civil = CivilDateTime(instant: Instant(millis: millis), offsetSeconds: 0)
            texts.append(
                String(
                    format: "%04d-%02d-%02dT%02d:%02d:%02d", civil.year, civil.month, civil.day, civil.hour,
                    civil.minute, civil.second))
            millis += 13 * 60_000 + 1000
        }
        Self.expectSame(texts, zone, name)
        var random = SplitMix64(seed: 11)
        for index in texts.indices.reversed() { texts.swapAt(index, Int(random.next() % UInt64(index + 1))) }
        Self.expectSame(texts, zone, name)
    }

    /// Other spellings, offsets and refusals between remembered ones; bytes that are not a date never match the
    /// remembered one (a NUL-filled text once could, a string escape away on the tree path).
    @Test func otherTextsBetweenRememberedOnes() throws {
        let zone = FiscalTimeZone.rome
        let texts = [
            "\0\0\0\0\0\0\0\0\0\0T10:00:00", "2026-03-29T02:30:00", "2026-03-29T02:30:01",
            "\0\0\0\0\0\0\0\0\0\0T10:00:00",
            "2026-03-29 03:30:00", "2026-03-29t01:59:59", "2026-10-25T02:30:00", "2026-10-25T02:30:00+01:00",
            "2026-10-25T02:30:00Z", "2026-10-25T02:30", "2026-10-25T24:00:00", "2026-10-25T02:60:00",
            "2026-10-25T02:30:60", "2026-10-25T0a:30:00", "2026-10-25X02:30:00", "2026-10-25T02:30:00.5",
            "2026-02-29T10:00:00", "2026-02-28T10:00:00", "2026-02-28T10:00:00.123456", "2026-02-28T23:59:59",
            "2026-02-28T10-00-00", "2026-02-28T10:00:0", "2026-02-28T10:00:001", "",
        ]
        Self.expectSame(texts, zone, "rome")
        Self.expectSame(texts.reversed(), zone, "rome")
    }
}
