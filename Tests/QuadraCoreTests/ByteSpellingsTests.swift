import Foundation
import QuadraGenerator
import Testing

@testable import QuadraCore

/// `ByteSpellings` finds a case by hashing a text's words: it must find every case by its spelling and nothing else,
/// for every enum the inputs spell.
@Suite struct ByteSpellingsTests {
    static func spelled<Value: ByteSpelled>(_ bytes: [UInt8], as type: Value.Type, ignoringCase: Bool = false) -> Value?
    {
        bytes.withUnsafeBufferPointer { ignoringCase ? Value.spelled(ignoringCase: $0) : Value.spelled($0) }
    }

    /// What `spelled` must give: the case whose spelling is exactly `bytes` (A to Z lowered first, `ignoringCase`).
    static func expected<Value: ByteSpelled>(_ bytes: [UInt8], as type: Value.Type, ignoringCase: Bool = false)
        -> Value?
    {
        let text = ignoringCase ? bytes.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 } : bytes
        return Value.allCases.first { Array($0.rawValue.utf8) == text }
    }

    static func check<Value: ByteSpelled & Equatable>(
        _ type: Value.Type, ignoringCase: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        var generator = SplitMix64(seed: UInt64(Value.allCases.count))
        var texts: [[UInt8]] = [[], [0], Array("x".utf8)]
        for value in Value.allCases {
            let spelling = Array(value.rawValue.utf8)
            texts.append(spelling)
            texts.append(spelling + [0])
            texts.append([0] + spelling)
            texts.append(Array(spelling.dropLast()))
            texts.append(Array(spelling.dropFirst()))
            texts.append(spelling + spelling)
            texts.append(Array(value.rawValue.uppercased().utf8))
            for position in spelling.indices {
                for replacement: UInt8 in [
                    0, 0x20, 0x41, 0x7A, 0xFF, spelling[position] ^ 0x20, spelling[position] &+ 1,
                ] {
                    var changed = spelling
                    changed[position] = replacement
                    texts.append(changed)
                }
            }
            for _ in 0..<50 {
                var changed = spelling
                changed[Int(generator.next() % UInt64(spelling.count))] = UInt8(truncatingIfNeeded: generator.next())
                texts.append(changed)
            }
        }
        for _ in 0..<2000 {
            let length = Int(generator.next() % 30)
            texts.append((0..<length).map { _ in UInt8(ascii: "a") + UInt8(generator.next() % 26) })
        }
        for text in texts {
            let found = spelled(text, as: Value.self, ignoringCase: ignoringCase)
            let wanted = expected(text, as: Value.self, ignoringCase: ignoringCase)
            #expect(
                found == wanted, "\(Value.self) on \(text): \(String(describing: found))",
                sourceLocation: sourceLocation)
        }
        for (index, value) in Value.allCases.enumerated() {
            #expect(value.position == index, sourceLocation: sourceLocation)
        }
    }

    @Test func everyEnumTheInputsSpell() {
        Self.check(PosEventName.self)
        Self.check(PaymentMethod.self)
        Self.check(AttemptKind.self)
        Self.check(ReceiptFailureReason.self)
        Self.check(AcubeReceipt.Kind.self)
        Self.check(AcubeReceipt.Kind.self, ignoringCase: true)
        Self.check(PosEventDecoder.Key.self)
        Self.check(PosEventDecoder.SaleLineKey.self)
        Self.check(AcubeReceiptDecoder.Key.self)
        Self.check(AcubeExportReader.JournalKey.self)
        Self.check(AcubeExportReader.NotificationKey.self)
        Self.check(AcubeExportReader.EmergencyReportKey.self)
    }

    /// Spellings of every length up to the packed limit and past it (an enum with a longer one compares every case).
    enum Lengths: String, ByteSpelled {
        case a, bc, def, ghij, klmno, pqrstuvw, xyzabcdef, abcdefghijklmnop, abcdefghijklmnopq
        case twentyThree = "abcdefghijklmnopqrstuvw"

        static let spellings = ByteSpellings<Lengths>()
    }

    enum Long: String, ByteSpelled {
        case short = "a"
        case long = "a spelling longer than twenty-three bytes"
        case longToo = "a spelling longer than twenty-three byteS"

        static let spellings = ByteSpellings<Long>()
    }

    @Test func everyLengthAndASpellingTooLongToPack() {
        Self.check(Lengths.self)
        Self.check(Long.self)
        Self.check(Long.self, ignoringCase: true)
    }
}
