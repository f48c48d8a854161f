/// A field's value as a decoder sees it, whichever source it comes from. `null` and an absent key are both
/// `missing`, as the contract reads them.
enum FieldValue<Source: FieldSource> {
    case missing
    case string(Source.Text)
    /// A number's text, as written.
    case number(Source.Text)
    case bool(Bool)
    case array(Source.Array)
    /// An object (no decoder reads an object's fields but an array's elements', through `FieldElement`).
    case object

    /// The value as `JSONValue` describes it in messages (`typeDescription`, `excerpt`); an array or an object
    /// without its contents, which messages do not show.
    var described: JSONValue {
        switch self {
        case .missing: .null
        case .string(let text): .string(text.string)
        case .number(let text): .number(text.string)
        case .bool(let flag): .bool(flag)
        case .array: .array([])
        case .object: .object(JSONObject(members: [], line: 0))
        }
    }
}
