/// The one reading of an A-Cube receipt (a member of a receipts page, formats.md §1.2), whichever source its
/// fields come from: the page scanner's spans (`AcubeReceiptsPageScanner`) or a parsed page's member
/// (`AcubeExportReader`'s tree path).
enum AcubeReceiptDecoder {
    /// The keys a receipt is read from.
    enum Key: String, FieldKey {
        case uuid, type
        case totalAmount = "total_amount"
        case documentNumber = "document_number"
        case documentDatetime = "document_datetime"
        case parentUuid = "parent_receipt_uuid"

        static let spellings = ByteSpellings<Key>()
    }

    /// The receipt, each check in the order of the messages; `times` reads `document_datetime`.
    @_transparent
    static func decode<Member: FieldSource>(_ member: Member, times: inout AcubeTimestamps) throws(Member.Failure)
        -> DecodedAcubeReceipt<Member.Text>
    where Member.Key == Key {
        let uuid = try member.requiredText(.uuid)
        let typeText = try member.requiredText(.type)
        guard let kind = typeText.withUTF8Bytes({ AcubeReceipt.Kind.spelled(ignoringCase: $0) }) else {
            throw member.failure("bad \"type\": expected sale, return or void, found \"\(typeText.string)\"")
        }
        return DecodedAcubeReceipt(
            uuid: uuid, kind: kind, totalAmount: try member.optionalMoney(.totalAmount),
            documentNumber: member.optionalText(.documentNumber),
            documentAt: try member.timestamp(.documentDatetime, &times),
            parentUuid: member.optionalText(.parentUuid))
    }
}
