/// The fields of an object of a parsed tree (`JSONParser`), for the strict paths: a failure is the rejection with
/// its message, which names the key, what was expected and what was found.
struct TreeFields<Key: FieldKey>: FieldSource {
    typealias Text = String
    typealias Array = [JSONValue]
    typealias Nested = TreeFields<Key.Nested>
    typealias Failure = PosEventDecoder.Rejection

    let object: JSONObject

    subscript(key: Key) -> FieldValue<Self> { Self.value(object[key.rawValue]) }

    static func value(_ json: JSONValue?) -> FieldValue<Self> {
        switch json {
        case nil, .null?: .missing
        case .string(let text)?: .string(text)
        case .number(let text)?: .number(text)
        case .bool(let flag)?: .bool(flag)
        case .array(let items)?: .array(items)
        case .object?: .object
        }
    }

    func forEachElement(of array: [JSONValue], _ body: (FieldElement<Self>) throws(Failure) -> Void) throws(Failure) {
        for item in array {
            if case .object(let object) = item {
                try body(.object(TreeFields<Key.Nested>(object: object)))
            } else {
                try body(.other(Self.value(item)))
            }
        }
    }

    func failure(_ message: @autoclosure () -> String) -> Failure { Failure(message: message()) }
}
