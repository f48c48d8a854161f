import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entries of a partition chained by hash: `heads` has the first entry of each distinct hash (in the order
/// the hashes first occur), `next` links each entry to the next one with its hash (-1 ends a chain).
struct HashChains {
    private(set) var heads: [Int32] = []
    private(set) var next: [Int32]

    init(_ entries: [SpillEntry]) {
        next = Array(repeating: -1, count: entries.count)
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        // Per slot: the group (index into heads/tails) + 1, 0 when empty.
        var slots = [Int32](repeating: 0, count: capacity)
        var tails: [Int32] = []
        var hashes: [UInt64] = []
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: (entry.hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while true {
                let group = Int(slots[slot]) - 1
                if group < 0 {
                    slots[slot] = Int32(heads.count + 1)
                    heads.append(Int32(index))
                    tails.append(Int32(index))
                    hashes.append(entry.hash)
                    break
                }
                if hashes[group] == entry.hash {
                    next[Int(tails[group])] = Int32(index)
                    tails[group] = Int32(index)
                    break
                }
                slot = (slot + 1) & mask
            }
        }
    }
}
