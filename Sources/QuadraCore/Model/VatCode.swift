/// An A-Cube `vat_rate_code`: a rate such as `22.00` or a natura code `N1`…`N6`.
public struct VatCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The normalised code as A-Cube writes it: `22.00`, `N3`.
    public let code: String
    /// The rate in hundredths of a percent (`2200` for 22 %); nil for natura codes.
    public let rateHundredths: Int64?

    /// The rates A-Cube lists for `vat_rate_code`, in hundredths of a percent.
    public static let acubeRates: Set<Int64> = [
        400, 500, 1000, 2200, 200, 640, 700, 730, 750, 765, 795, 830, 850, 880, 950, 1230,
    ]

    /// Parses `22.00`, `22`, `22.0`, `22,00` or `N1`…`N6` (any case); nil for anything A-Cube does not list.
    public init?<S: StringProtocol>(_ text: S) {
        let trimmed = text.utf8
        if let first = trimmed.first, first == UInt8(ascii: "N") || first == UInt8(ascii: "n") {
            let rest = text.dropFirst()
            guard rest.count == 1, let digit = Int(rest), (1...6).contains(digit) else { return nil }
            code = "N\(digit)"
            rateHundredths = nil
            return
        }
        guard let rate = Money.parse(utf8: trimmed, allowComma: true), rate.cents >= 0,
            Self.acubeRates.contains(rate.cents)
        else { return nil }
        code = rate.description
        rateHundredths = rate.cents
    }

    public var isNatura: Bool { rateHundredths == nil }

    /// Every code there is: the rates A-Cube lists, lowest first, then `N1`…`N6`.
    static let listed: [VatCode] =
        acubeRates.sorted().compactMap { VatCode(Money(cents: $0).description) }
        + (1...6).compactMap { VatCode("N\($0)") }

    /// This code's position in `listed`.
    var listedIndex: Int {
        Self.listed.firstIndex { $0.rateHundredths == rateHundredths && $0.code == code } ?? 0
    }

    /// Orders by the code's text, as the contract sorts upload entries by `vat_rate_code`.
    public static func < (lhs: VatCode, rhs: VatCode) -> Bool { lhs.code < rhs.code }

    public var description: String { code }
}

extension VatCode {
    /// `VatCode(text)` over the text's UTF-8 bytes, the canonical spellings (`22.00`, `N1`) looked up instead of
    /// parsed.
    init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        if text.count <= 8 {
            var packed: UInt64 = 0
            for byte in text.reversed() { packed = packed << 8 | UInt64(byte) }
            for entry in Self.canonical where entry.packed == packed && entry.count == text.count {
                self = entry.code
                return
            }
        }
        self.init(String(decoding: text, as: UTF8.self))
    }

    /// Every code A-Cube lists, in its canonical spelling, its bytes packed little-end first; the commonest first.
    private static let canonical: [(packed: UInt64, count: Int, code: VatCode)] = {
        let common: [Int64] = [2200, 1000, 400, 500]
        let rates = common + VatCode.acubeRates.subtracting(common).sorted()
        let texts = rates.map { Money(cents: $0).description } + (1...6).map { "N\($0)" }
        return texts.compactMap { text in
            guard let code = VatCode(text), text.utf8.count <= 8 else { return nil }
            var packed: UInt64 = 0
            for byte in text.utf8.reversed() { packed = packed << 8 | UInt64(byte) }
            return (packed, text.utf8.count, code)
        }
    }()
}
