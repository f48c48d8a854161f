#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Looks for a DOCTYPE in the prolog of an XML file before libxml2 parses a byte of it, so that a document
/// declaring entities (XXE, billion laughs) is rejected without the parser ever seeing the declarations.
/// The reader also rejects a DOCTYPE node it meets (a UTF-16 file, a prolog longer than the scan limit).
enum XMLPrologScanner {
    enum Outcome: Equatable {
        /// A DOCTYPE starts on this 1-based line.
        case doctype(line: Int)
        /// The prolog holds no DOCTYPE (or is not something this scanner understands: libxml2 will say).
        case noDoctype
        /// More bytes are needed to decide.
        case undecided
    }

    /// Scans the prolog in `bytes` (UTF-8 or any ASCII-compatible encoding, or UTF-16 with or without a byte
    /// order mark): XML declaration, processing instructions, comments and white space, up to the root
    /// element's start tag. `isComplete` says that `bytes` is the whole file.
    static func scan(_ bytes: [UInt8], isComplete: Bool) -> Outcome {
        if let narrowed = narrowUTF16(bytes) { return scanNarrow(narrowed, isComplete: isComplete) }
        return scanNarrow(bytes, isComplete: isComplete)
    }

    /// UTF-16 text as one byte per code unit (ASCII kept, anything else 0x80), or nil when `bytes` does not
    /// look like UTF-16 (a byte order mark, or `<` and `?` with a zero byte beside each).
    static func narrowUTF16(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 4 else { return nil }
        let littleEndian: Bool
        var start = 0
        switch (bytes[0], bytes[1], bytes[2], bytes[3]) {
        case (0xFF, 0xFE, _, _):
            littleEndian = true
            start = 2
        case (0xFE, 0xFF, _, _):
            littleEndian = false
            start = 2
        case (0x3C, 0x00, 0x3F, 0x00): littleEndian = true
        case (0x00, 0x3C, 0x00, 0x3F): littleEndian = false
        default: return nil
        }
        var narrowed: [UInt8] = []
        narrowed.reserveCapacity((bytes.count - start) / 2)
        var i = start
        while i + 1 < bytes.count {
            let (low, high) = littleEndian ? (bytes[i], bytes[i + 1]) : (bytes[i + 1], bytes[i])
            narrowed.append(high == 0 && low < 0x80 ? low : 0x80)
            i += 2
        }
        return narrowed
    }

    private static func scanNarrow(_ bytes: [UInt8], isComplete: Bool) -> Outcome {
        let n = bytes.count
        var i = 0
        var line = 1
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        let needMore: Outcome = isComplete ? .noDoctype : .undecided
        while true {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
            if i == n { return needMore }
            guard bytes[i] == UInt8(ascii: "<") else { return .noDoctype }
            if n - i < 9, !isComplete { return .undecided }
            guard i + 1 < n else { return .noDoctype }
            if bytes[i + 1] == UInt8(ascii: "?") {
                guard let end = find([UInt8(ascii: "?"), UInt8(ascii: ">")], in: bytes, from: i + 2) else {
                    return needMore
                }
                line += newlines(in: bytes, from: i, to: end)
                i = end + 2
            } else if bytes[i + 1] == UInt8(ascii: "!") {
                if hasPrefix("<!--", bytes, at: i) {
                    let close = [UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: ">")]
                    guard let end = find(close, in: bytes, from: i + 4) else { return needMore }
                    line += newlines(in: bytes, from: i, to: end)
                    i = end + 3
                } else if hasPrefix("<!DOCTYPE", bytes, at: i, ignoringCase: true) {
                    return .doctype(line: line)
                } else {
                    return .noDoctype
                }
            } else {
                return .noDoctype
            }
        }
    }

    /// What the start of a file says before libxml2 reads it.
    enum Inspection: Equatable {
        /// A DOCTYPE starts on this line.
        case doctype(line: Int)
        /// UTF-8 or another encoding that keeps ASCII as single bytes, and no DOCTYPE seen.
        case asciiCompatible
        /// UTF-16, and no DOCTYPE seen.
        case utf16
    }

    /// Reads the prolog of the open file `descriptor` with `pread` (the file offset does not move). A prolog
    /// running past `limit` bytes is left to libxml2 and the reader's own checks.
    static func inspect(descriptor: Int32, limit: Int = 1 << 20) -> Inspection {
        var bytes: [UInt8] = []
        let chunk = 64 * 1024
        while true {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + start }, chunk, off_t(start))
            }
            bytes.removeLast(chunk - max(count, 0))
            let atEnd = count <= 0
            let outcome = scan(bytes, isComplete: atEnd)
            if case .doctype(let line) = outcome { return .doctype(line: line) }
            if outcome == .noDoctype || atEnd || bytes.count >= limit {
                return narrowUTF16(Array(bytes.prefix(4))) == nil ? .asciiCompatible : .utf16
            }
        }
    }

    // MARK: - Byte helpers

    private static func hasPrefix(_ prefix: String, _ bytes: [UInt8], at index: Int, ignoringCase: Bool = false)
        -> Bool
    {
        let expected = Array(prefix.utf8)
        guard index + expected.count <= bytes.count else { return false }
        for (offset, byte) in expected.enumerated() {
            let actual = bytes[index + offset]
            if actual == byte { continue }
            if ignoringCase, actual | 0x20 == byte | 0x20, (byte | 0x20) >= 0x61, (byte | 0x20) <= 0x7A { continue }
            return false
        }
        return true
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    private static func newlines(in bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var count = 0
        for i in start..<end where bytes[i] == 0x0A { count += 1 }
        return count
    }
}
