/// An A-Cube receipt (ReceiptOutput) as the export lists it.
public struct AcubeReceipt: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, ByteSpelled {
        case sale
        case `return`
        case void

        public static let spellings = ByteSpellings<Kind>()
    }

    /// Lower-cased.
    public var uuid: String
    public var kind: Kind
    /// Null on `void` and `return`.
    public var totalAmount: Money?
    public var documentNumber: String?
    /// `document_datetime` (local time in the fiscal zone) as an instant.
    public var documentAt: Instant
    /// Lower-cased.
    public var parentUuid: String?
    public var source: SourceLocation
}
