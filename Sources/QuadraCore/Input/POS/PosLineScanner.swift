/// Decodes one POS log line fast when it has the ordinary shape; nil means "take the strict path".
///
/// Whenever it returns a record, that record equals `PosEventDecoder.decode(JSONParser.parse(line))`; whenever the
/// strict path throws, it returns nil. It also returns nil for anything merely unusual, and leaves the exact
/// message to the strict path: a backslash escape or a byte at or above 0x80 anywhere, a top-level value that
/// is not an object, an unknown value nested deeper than `maximumDepth`, a line of 2 GiB or more, grosses whose
/// sum overflows 64 bits.
///
/// One pass over the bytes validates the JSON (RFC 8259 grammar, white space anywhere it is allowed) and records
/// where the value of each key `PosEventDecoder` reads lies (`ScannedFields`). A key repeated in any object of the
/// line (the strict parser rejects it) sends the line to the strict path, and so does an object with more than
/// `JSONObjectKeys.capacity` keys besides those. Then `PosEventDecoder.decode(_:into:)`, the strict path's decoder,
/// reads the event from those spans, the texts as bytes of the line, into the spill (`SpillEncoder`).
public enum PosLineScanner {
    /// Nesting beyond this (the line's object is level 1) sends the line to the strict path.
    static let maximumDepth = 32

    /// Decodes `line` without building a JSON tree; nil means "take the strict path". (The record is spilled, as
    /// a night's reader does, and read back.)
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) -> PosRecord? {
        var buffer = SpillBuffer(capacity: 256)
        defer { buffer.deallocate() }
        guard encode(line, file: 0, line: 0, into: &buffer) else { return nil }
        return SpillDecoder.record(buffer.bytes, SpillDecoder.header(buffer.bytes, at: 0)).record
    }

    /// Writes the line's record to `out` in the spill format, with its file and line, without building a JSON tree
    /// or a single string; false (and nothing written) means "take the strict path".
    static func encode(_ line: UnsafeBufferPointer<UInt8>, file: Int, line number: Int, into out: inout SpillBuffer)
        -> Bool
    {
        guard let base = line.baseAddress, line.count < Int32.max else { return false }
        var cursor = JSONByteCursor(base: base, end: line.count, maximumDepth: maximumDepth)
        var fields = ScannedFields<PosEventDecoder.Key>(base: base)
        cursor.skipWhitespace()
        guard cursor.byte == JSONByteCursor.openBrace, cursor.object(into: &fields, depth: 1, containers: true)
        else { return false }
        cursor.skipWhitespace()
        guard cursor.index == cursor.end else { return false }
        var encoder = SpillEncoder<ScannedText>(out: out, file: file, line: number)
        defer { out = encoder.out }
        do {
            try PosEventDecoder.decode(fields, into: &encoder)
            return true
        } catch {
            return false
        }
    }
}
