/// The (PEM, sale) pairs that registers name, with a bit per hash of the sale id in front: most sales are in no
/// register, and a clear bit says so without hashing both texts into the set. (Texts equal as Swift compares them
/// can differ in bytes only outside ASCII: a register sale id beyond ASCII turns the bits off, and a sale id
/// beyond ASCII is always looked up in the set.)
struct RegisterSales: Sendable {
    private let pairs: Set<PemSale>
    private var bits: [UInt64] = []

    init(_ registers: [RegisterEntry]) {
        pairs = Set(registers.compactMap { entry in entry.sale.map { PemSale(pem: entry.pem, sale: $0) } })
        guard pairs.allSatisfy({ $0.sale.utf8.allSatisfy { $0 < 0x80 } }) else { return }
        var size = 64
        while size < pairs.count * 16 { size <<= 1 }
        bits = Array(repeating: 0, count: size / 64)
        for pair in pairs {
            let bit = Self.bit(pair.sale, size) ?? 0
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    var isEmpty: Bool { pairs.isEmpty }

    func contains(pem: String, sale: String) -> Bool {
        if !bits.isEmpty, let bit = Self.bit(sale, bits.count * 64) {
            guard bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        }
        return pairs.contains(PemSale(pem: pem, sale: sale))
    }

    /// FNV-1a of the sale id's bytes, within `size` (a power of two); nil for a sale id beyond ASCII.
    private static func bit(_ sale: String, _ size: Int) -> Int? {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sale.utf8 {
            guard byte < 0x80 else { return nil }
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash) & (size - 1)
    }
}
