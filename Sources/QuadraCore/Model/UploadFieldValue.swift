/// A value of an upload body field.
public enum UploadFieldValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case null
}
