/// Where a value lies in the scanned bytes (a string's bytes between its quotes, a number's text, an array or
/// object from its opening bracket to just after its closing one), and what it is.
/// Offsets are 32-bit, to keep the scanners' records small: longer texts take the strict path.
struct JSONSpan {
    var kind: JSONByteCursor.ValueKind
    var start32: Int32
    var end32: Int32

    @inline(__always)
    init(kind: JSONByteCursor.ValueKind, start: Int, end: Int) {
        self.kind = kind
        self.start32 = Int32(truncatingIfNeeded: start)
        self.end32 = Int32(truncatingIfNeeded: end)
    }

    var start: Int { Int(start32) }
    var end: Int { Int(end32) }
}
