import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Line splitting

/// Cuts a stream of bytes into LF-terminated lines, carrying a partial line from one chunk to the next. A line
/// longer than `maximumLineBytes` is never held whole: once it is known to be too long, its bytes are only counted.
struct LineSplitter {
    /// The longest line delivered, without its line end.
    let maximumLineBytes: Int
    /// The number of the last line delivered or skipped.
    private(set) var lineNumber = 0
    /// The lines skipped for their length.
    private(set) var overlongLines: [OverlongLine] = []
    /// The start of a line whose end has not been seen yet (at most `maximumLineBytes` + 1 bytes: the one more may be
    /// the CR of a CRLF).
    private var carry: [UInt8] = []
    /// The length so far of a line found too long, whose end has not been seen yet; nil when there is none.
    private var skipped: Int?
    /// Whether the last byte of the line being skipped is a CR (not counted if the LF follows).
    private var skippedEndsInCR = false

    init(maximumLineBytes: Int = LineReader.defaultMaximumLineBytes) {
        self.maximumLineBytes = min(max(0, maximumLineBytes), Int.max - 1)
    }

    /// "after line 41", or "before the first line" when none was delivered.
    var positionText: String { lineNumber == 0 ? "before the first line" : "after line \(lineNumber)" }

    /// Delivers every line that ends in `chunk` and keeps the rest for later.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard let base = chunk.baseAddress else { return }
        let end = chunk.count
        var start = 0
        while start < end {
            guard let found = memchr(base + start, 0x0A, end - start) else {
                hold(UnsafeBufferPointer(start: base + start, count: end - start))
                return
            }
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let piece = UnsafeBufferPointer(start: base + start, count: newline - start)
            lineNumber += 1
            if let length = skipped {
                let endsInCR = piece.isEmpty ? skippedEndsInCR : piece[piece.count - 1] == 0x0D
                overlongLines.append(OverlongLine(line: lineNumber, bytes: length + piece.count - (endsInCR ? 1 : 0)))
                skipped = nil
            } else if carry.isEmpty {
                let line = Self.strippingCR(piece)
                if line.count > maximumLineBytes {
                    overlongLines.append(OverlongLine(line: lineNumber, bytes: line.count))
                } else {
                    try body(lineNumber, line)
                }
            } else if carry.count + piece.count > maximumLineBytes + 1 {
                // Too long even if it ends in a CR: count it, do not gather it.
                let endsInCR = piece.isEmpty ? carry.last == 0x0D : piece[piece.count - 1] == 0x0D
                overlongLines.append(
                    OverlongLine(line: lineNumber, bytes: carry.count + piece.count - (endsInCR ? 1 : 0)))
                carry = []
            } else {
                carry.append(contentsOf: piece)
                let number = lineNumber
                let delivered = try carry.withUnsafeBufferPointer { whole -> Bool in
                    let line = Self.strippingCR(whole)
                    guard line.count <= maximumLineBytes else { return false }
                    try body(number, line)
                    return true
                }
                if !delivered {
                    overlongLines.append(OverlongLine(line: number, bytes: carry.count))
                }
                carry.removeAll(keepingCapacity: carry.count <= 1 << 20)
            }
            start = newline + 1
        }
    }

    /// Keeps the start of a line whose end is in a later chunk, or counts it once it is too long.
    private mutating func hold(_ piece: UnsafeBufferPointer<UInt8>) {
        if let length = skipped {
            skipped = length + piece.count
            skippedEndsInCR = piece[piece.count - 1] == 0x0D
        } else if carry.count + piece.count > maximumLineBytes + 1 {
            skipped = carry.count + piece.count
            skippedEndsInCR = piece[piece.count - 1] == 0x0D
            carry = []
        } else {
            carry.append(contentsOf: piece)
        }
    }

    /// Delivers the last line when it had no LF (or counts it, when it is too long).
    mutating func finish(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let length = skipped {
            lineNumber += 1
            overlongLines.append(OverlongLine(line: lineNumber, bytes: length - (skippedEndsInCR ? 1 : 0)))
            skipped = nil
            return
        }
        guard !carry.isEmpty else { return }
        lineNumber += 1
        let number = lineNumber
        // Without an LF, a final CR is part of the line's end too.
        let delivered = try carry.withUnsafeBufferPointer { whole -> Bool in
            let line = Self.strippingCR(whole)
            guard line.count <= maximumLineBytes else { return false }
            try body(number, line)
            return true
        }
        if !delivered {
            overlongLines.append(OverlongLine(line: number, bytes: carry.count - (carry.last == 0x0D ? 1 : 0)))
        }
        carry.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func strippingCR(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let last = line.last, last == 0x0D else { return line }
        return UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)])
    }
}
