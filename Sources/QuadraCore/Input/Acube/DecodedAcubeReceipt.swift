/// An A-Cube receipt as `AcubeReceiptDecoder` reads it, its texts left as the source gives them: the page scanner
/// keeps them as bytes of the page until the page is read whole, and strings are made only for what the table
/// keeps as text.
struct DecodedAcubeReceipt<Text: FieldText> {
    /// As written: the table keys it lower-cased.
    var uuid: Text
    var kind: AcubeReceipt.Kind
    var totalAmount: Money?
    var documentNumber: Text?
    var documentAt: Instant
    /// As written: the table keeps it lower-cased.
    var parentUuid: Text?
}

extension AcubeReceiptTable {
    /// Adds `receipt`, read at `source`, unless its uuid is already held (`insertIfAbsent(_:)`), keying a canonical
    /// uuid without making its text.
    mutating func insertIfAbsent(_ receipt: DecodedAcubeReceipt<some FieldText>, source: SourceLocation) {
        // `key(uuid.lowercased())`: lowering first and keying lower-case digits is keying either case.
        let identity: Identity =
            if let key = receipt.uuid.withUTF8Bytes({ Self.key(utf8: $0, ignoringCase: true) }) {
                .canonical(key)
            } else {
                .text(receipt.uuid.lowercased().string)
            }
        insertIfAbsent(
            identity, kind: receipt.kind, totalAmount: receipt.totalAmount,
            documentNumber: receipt.documentNumber?.string, documentAt: receipt.documentAt,
            parentUuid: receipt.parentUuid?.lowercased().string, source: source)
    }
}
