/// A streaming SHA-256 digest (FIPS 180-4), written in pure Swift so the core needs no crypto library.
public struct SHA256: Sendable {
    // MARK: - Constants

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private static let initialState: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )

    // MARK: - State

    private var h0: UInt32
    private var h1: UInt32
    private var h2: UInt32
    private var h3: UInt32
    private var h4: UInt32
    private var h5: UInt32
    private var h6: UInt32
    private var h7: UInt32
    /// Bytes waiting for a full 64-byte block.
    private var pending: [UInt8]
    /// Message length so far, in bytes.
    private var length: UInt64 = 0

    /// A fresh digest of the empty message.
    public init() {
        (h0, h1, h2, h3, h4, h5, h6, h7) = Self.initialState
        pending = []
        pending.reserveCapacity(64)
    }

    // MARK: - Feeding

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let count = bytes.count
        length &+= UInt64(count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            offset = take
            if pending.count == 64 {
                // Swap the buffer out so that hashing it does not overlap an access to `self`.
                var block = pending
                pending = []
                block.withUnsafeBytes { processBlocks($0.baseAddress.unsafelyUnwrapped, count: 1) }
                block.removeAll(keepingCapacity: true)
                pending = block
            }
        }
        let fullBlocks = (count - offset) / 64
        if fullBlocks > 0 {
            processBlocks(base + offset, count: fullBlocks)
            offset += fullBlocks * 64
        }
        if offset < count {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: count - offset))
        }
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads the message and returns the 32-byte digest. The value should not be updated afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        let blocks = tail.count / 64
        tail.withUnsafeBytes { processBlocks($0.baseAddress.unsafelyUnwrapped, count: blocks) }
        pending.removeAll(keepingCapacity: true)
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    // MARK: - Hex

    /// Lowercase hexadecimal text of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The lowercase hexadecimal SHA-256 of `bytes`.
    public static func hexDigest(of bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    // MARK: - Compression function

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private mutating func processBlocks(_ start: UnsafeRawPointer, count: Int) {
        var sa = h0
        var sb = h1
        var sc = h2
        var sd = h3
        var se = h4
        var sf = h5
        var sg = h6
        var sh = h7
        Self.roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for block in 0..<count {
                    let p = start + block * 64
                    for t in 0..<16 {
                        let q = p + t * 4
                        let byte0 = UInt32(q.load(as: UInt8.self))
                        let byte1 = UInt32(q.load(fromByteOffset: 1, as: UInt8.self))
                        let byte2 = UInt32(q.load(fromByteOffset: 2, as: UInt8.self))
                        let byte3 = UInt32(q.load(fromByteOffset: 3, as: UInt8.self))
                        w[t] = byte0 << 24 | byte1 << 16 | byte2 << 8 | byte3
                    }
                    for t in 16..<64 {
                        let x = w[t - 15]
                        let y = w[t - 2]
                        let s0 = Self.rotr(x, 7) ^ Self.rotr(x, 18) ^ (x >> 3)
                        let s1 = Self.rotr(y, 17) ^ Self.rotr(y, 19) ^ (y >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var a = sa
                    var b = sb
                    var c = sc
                    var d = sd
                    var e = se
                    var f = sf
                    var g = sg
                    var h = sh
                    for t in 0..<64 {
                        let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let temp1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let temp2 = s0 &+ maj
                        h = g
                        g = f
                        f = e
                        e = d &+ temp1
                        d = c
                        c = b
                        b = a
                        a = temp1 &+ temp2
                    }
                    sa = sa &+ a
                    sb = sb &+ b
                    sc = sc &+ c
                    sd = sd &+ d
                    se = se &+ e
                    sf = sf &+ f
                    sg = sg &+ g
                    sh = sh &+ h
                }
            }
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = (sa, sb, sc, sd, se, sf, sg, sh)
    }
}
