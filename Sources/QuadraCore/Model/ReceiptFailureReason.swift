/// Why the POS could not get a receipt from A-Cube.
public enum ReceiptFailureReason: String, Sendable, Hashable, ByteSpelled {
    case unreachable
    case timeout
    case offline
    case http5xx = "http_5xx"
    case rejected

    /// `unreachable` and `timeout` open a client offline window.
    public var opensClientWindow: Bool { self == .unreachable || self == .timeout }
    /// `unreachable`, `timeout` and `offline` make a sale offline when they fall inside a window.
    public var marksOfflineSale: Bool { opensClientWindow || self == .offline }
}

extension ReceiptFailureReason {
    public static let spellings = ByteSpellings<ReceiptFailureReason>()
}
