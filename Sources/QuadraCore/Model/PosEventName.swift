/// The `event` of a POS log line (formats.md §2).
public enum PosEventName: String, ByteSpelled {
    case sale
    case paymentRequest = "payment_request"
    case paymentResponse = "payment_response"
    case receiptIssued = "receipt_issued"
    case receiptFailed = "receipt_failed"
    case posStarted = "pos_started"

    public static let spellings = ByteSpellings<PosEventName>()
}
