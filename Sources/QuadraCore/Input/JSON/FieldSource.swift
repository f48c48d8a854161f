/// The fields of one JSON object, wherever they come from: spans of the bytes a fast scanner validated
/// (`ScannedFields`) or the members of a parsed tree (`TreeFields`). Each decoder (`PosEventDecoder`,
/// `AcubeReceiptDecoder`) is written once, generic over its source, with the rules below and beside it; the
/// module is compiled whole, so each use is specialized for its source and nothing is dispatched at run time.
///
/// Where a check fails, the decoder throws `failure(_:)`: the scanned source declines ("take the strict path")
/// without evaluating the message, the tree source rejects the record with it.
protocol FieldSource {
    associatedtype Key: FieldKey
    associatedtype Text: FieldText
    /// An array value, read with `forEachElement(of:_:)`.
    associatedtype Array
    /// The fields of an object this one holds in an array, read with `Key.Nested`'s keys.
    associatedtype Nested: FieldSource where Nested.Key == Key.Nested, Nested.Text == Text, Nested.Failure == Failure
    associatedtype Failure: Error

    /// The value of `key`.
    subscript(key: Key) -> FieldValue<Self> { get }
    /// Calls `body` with each element of `array`, in order.
    func forEachElement(of array: Array, _ body: (FieldElement<Self>) throws(Failure) -> Void) throws(Failure)
    /// What to throw where a check fails; `message` is the rejection's text.
    func failure(_ message: @autoclosure () -> String) -> Failure
}

// MARK: - The JSON types, read strictly

extension FieldSource {
    /// The value of `key`, which must be there and not null.
    @inline(__always)
    func required(_ key: Key) throws(Failure) -> FieldValue<Self> {
        let value = self[key]
        if case .missing = value { throw failure("missing required key \"\(key.rawValue)\"") }
        return value
    }

    @inline(__always)
    func string(_ key: Key) throws(Failure) -> Text {
        let value = try required(key)
        guard case .string(let text) = value else { throw badType(key, "a string", value) }
        return text
    }

    @inline(__always)
    func nonEmptyString(_ key: Key) throws(Failure) -> Text {
        let text = try string(key)
        guard !text.isEmpty else {
            throw failure("bad \"\(key.rawValue)\": expected a non-empty string, found \"\"")
        }
        return text
    }

    @inline(__always)
    func optionalString(_ key: Key) throws(Failure) -> Text? {
        let value = self[key]
        switch value {
        case .missing: return nil
        case .string(let text): return text
        default: throw badType(key, "a string", value)
        }
    }

    @inline(__always)
    func bool(_ key: Key) throws(Failure) -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value else { throw badType(key, "true or false", value) }
        return flag
    }

    @inline(__always)
    func optionalBool(_ key: Key) throws(Failure) -> Bool? {
        if case .missing = self[key] { return nil }
        return try bool(key)
    }

    /// A case of a `ByteSpelled` enum, by its spelling.
    @inline(__always)
    func enumeration<Value: ByteSpelled>(_ key: Key, _ type: Value.Type) throws(Failure) -> Value {
        let text = try string(key)
        guard let value = text.withUTF8Bytes({ Value.spelled($0) }) else {
            throw failure(
                "bad \"\(key.rawValue)\": expected one of \(Value.spellingList), found \"\(text.string)\"")
        }
        return value
    }

    /// The rejection of `found`, the value of `key`, for not being what `expected` says.
    func badType(_ key: Key, _ expected: String, _ found: FieldValue<Self>) -> Failure {
        failure(
            "bad \"\(key.rawValue)\": expected \(expected), found \(found.described.typeDescription) "
                + found.described.excerpt)
    }
}
