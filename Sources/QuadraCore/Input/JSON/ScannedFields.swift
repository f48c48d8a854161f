/// The fields of one object a fast scanner validated (`JSONByteCursor.object(into:depth:containers:)`): where the
/// value of each of `Key`'s keys lies in the bytes. Texts are the bytes themselves; where a check fails, the
/// decoder's failure is a bare `ScanDeclined`, its message never made.
struct ScannedFields<Key: FieldKey>: FieldSource {
    typealias Text = ScannedText
    typealias Array = JSONSpan
    typealias Nested = ScannedFields<Key.Nested>
    typealias Failure = ScanDeclined

    /// The most keys a decoder may read from one object.
    static var capacity: Int { 17 }

    let base: UnsafePointer<UInt8>
    /// A bit per key recorded (`1 << position`).
    private var seen: UInt32 = 0
    /// Each key's value, at the key's position; meaningful only where `seen` has its bit.
    private var spans:
        (
            JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan,
            JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan, JSONSpan
        )

    @inline(__always)
    init(base: UnsafePointer<UInt8>) {
        self.base = base
        let none = JSONSpan(kind: .null, start: 0, end: 0)
        spans = (none, none, none, none, none, none, none, none, none, none, none, none, none, none, none, none, none)
    }

    /// Records the value of `key`; false when it was already recorded (the key is repeated).
    @inline(__always)
    mutating func record(_ key: Key, _ span: JSONSpan) -> Bool {
        let position = key.position
        precondition(position < Self.capacity, "more keys than ScannedFields holds")
        let bit: UInt32 = 1 << UInt32(position)
        guard seen & bit == 0 else { return false }
        seen |= bit
        withUnsafeMutableBytes(of: &spans) { slots in
            slots.storeBytes(of: span, toByteOffset: position &* MemoryLayout<JSONSpan>.stride, as: JSONSpan.self)
        }
        return true
    }

    @inline(__always)
    subscript(key: Key) -> FieldValue<Self> {
        let position = key.position
        guard seen & (1 << UInt32(position)) != 0 else { return .missing }
        let span = withUnsafeBytes(of: spans) { slots in
            slots.load(fromByteOffset: position &* MemoryLayout<JSONSpan>.stride, as: JSONSpan.self)
        }
        return value(span)
    }

    @inline(__always)
    func value(_ span: JSONSpan) -> FieldValue<Self> {
        switch span.kind {
        case .string:
            .string(ScannedText(bytes: UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)))
        case .integer, .number:
            .number(ScannedText(bytes: UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)))
        case .trueLiteral: .bool(true)
        case .falseLiteral: .bool(false)
        case .null: .missing
        case .array: .array(span)
        case .object: .object
        }
    }

    /// Reads an array the scan validated, its objects' fields in the same pass; its values were validated with it,
    /// so nesting is not limited again.
    @inline(__always)
    func forEachElement(of array: JSONSpan, _ body: (FieldElement<Self>) throws(ScanDeclined) -> Void)
        throws(ScanDeclined)
    {
        var cursor = JSONByteCursor(base: base, end: array.end, index: array.start + 1, maximumDepth: .max)
        cursor.skipWhitespace()
        if cursor.byte == JSONByteCursor.closeBracket { return }
        while true {
            if cursor.byte == JSONByteCursor.openBrace {
                var fields = ScannedFields<Key.Nested>(base: base)
                guard cursor.object(into: &fields, depth: 1, containers: true) else { throw ScanDeclined() }
                try body(.object(fields))
            } else {
                guard let element = cursor.span(depth: 1, containers: true) else { throw ScanDeclined() }
                try body(.other(value(element)))
            }
            guard let closed = cursor.afterElement(closing: JSONByteCursor.closeBracket) else { throw ScanDeclined() }
            if closed { return }
        }
    }

    @inline(__always)
    func failure(_ message: @autoclosure () -> String) -> ScanDeclined { ScanDeclined() }
}

/// A fast scanner's answer where the record is not of the ordinary shape it reads: take the strict path, which
/// gives the exact message (or, for an unusual record, reads it).
struct ScanDeclined: Error {}

// MARK: - The scan of an object

extension JSONByteCursor {
    /// An object at its opening brace (`depth` being its nesting level), the values of `Key`'s keys recorded in
    /// `fields`; leaves `index` just after it. False for anything `JSONParser` rejects, a repeated key among them,
    /// and for more keys besides `Key`'s than `JSONObjectKeys` follows; with `containers` false, for an array or an
    /// object as a value (A-Cube receipts hold none).
    @inline(__always)
    mutating func object<Key: FieldKey>(into fields: inout ScannedFields<Key>, depth: Int, containers: Bool) -> Bool {
        index += 1
        skipWhitespace()
        if byte == Self.closeBrace {
            index += 1
            return true
        }
        var otherKeys = JSONObjectKeys()
        // Read once: every access to a static goes through a check that it is made.
        let spellings = Key.spellings
        while true {
            guard byte == Self.quote else { return false }
            let keyStart = index + 1
            guard string() else { return false }
            let key = spellings.match(
                UnsafeBufferPointer(start: base + keyStart, count: index - 1 - keyStart), ignoringCase: false)
            if key == nil {
                guard otherKeys.insert(base, keyStart, index - 1 - keyStart) else { return false }
            }
            skipWhitespace()
            guard byte == Self.colon else { return false }
            index += 1
            skipWhitespace()
            let value: JSONSpan
            // Strings first, inline: most values are strings.
            if byte == Self.quote {
                let valueStart = index
                guard string() else { return false }
                value = JSONSpan(kind: .string, start: valueStart + 1, end: index - 1)
            } else {
                guard let other = span(depth: depth + 1, containers: containers) else { return false }
                value = other
            }
            if let key {
                guard fields.record(key, value) else { return false }
            }
            guard let closed = afterElement(closing: Self.closeBrace) else { return false }
            if closed { return true }
        }
    }

    /// Any value at `index` (no white space before it) as a span, `depth` being its own nesting level; with
    /// `containers` false, nil for an array or an object.
    @inline(__always)
    mutating func span(depth: Int, containers: Bool) -> JSONSpan? {
        let start = index
        if !containers, byte == Self.openBracket || byte == Self.openBrace { return nil }
        guard let kind = value(depth: depth) else { return nil }
        return kind == .string
            ? JSONSpan(kind: .string, start: start + 1, end: index - 1) : JSONSpan(kind: kind, start: start, end: index)
    }
}
