/// One reconciliation result: a code about one subject, with the attributes that apply and a detail text.
public struct Finding: Sendable, Hashable {
    public var code: FindingCode
    public var pem: String?
    public var fiscalDay: FiscalDay?
    public var terminal: String?
    public var sale: String?
    public var posRefId: String?
    public var receiptUuid: String?
    public var amount: Money?
    public var detail: String
    /// The rest of the subject, beyond the attributes above (a file and line, a window start): it makes
    /// (code, subject) unique and orders findings that share every attribute.
    public var subjectRest: [String]

    public init(
        code: FindingCode, pem: String? = nil, fiscalDay: FiscalDay? = nil, terminal: String? = nil,
        sale: String? = nil, posRefId: String? = nil, receiptUuid: String? = nil, amount: Money? = nil,
        detail: String, subjectRest: [String] = []
    ) {
        self.code = code
        self.pem = pem
        self.fiscalDay = fiscalDay
        self.terminal = terminal
        self.sale = sale
        self.posRefId = posRefId
        self.receiptUuid = receiptUuid
        self.amount = amount
        self.detail = detail
        self.subjectRest = subjectRest
    }

    public var severity: Severity { code.severity }

    /// The identity of the finding: one finding per (code, subject). The subject is the pem, fiscal day,
    /// terminal and sale where the code's subject includes them, plus `subjectRest` (a posRefId, a receipt
    /// uuid, a window start, a file and line).
    public var identity: [String] {
        [code.rawValue, pem ?? "", fiscalDay?.description ?? "", terminal ?? "", sale ?? ""] + subjectRest
    }

    /// The report order: pem, fiscal day, terminal, sale, code, then the rest of the subject (then posRefId,
    /// receipt uuid and detail, so the order is total). Compares field by field, allocating nothing.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if let order = compare(lhs.pem ?? "", rhs.pem ?? "") { return order }
        if lhs.fiscalDay != rhs.fiscalDay {
            return (lhs.fiscalDay?.description ?? "") < (rhs.fiscalDay?.description ?? "")
        }
        if let order = compare(lhs.terminal ?? "", rhs.terminal ?? "") { return order }
        if let order = compare(lhs.sale ?? "", rhs.sale ?? "") { return order }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        if lhs.subjectRest != rhs.subjectRest { return lhs.subjectRest.lexicographicallyPrecedes(rhs.subjectRest) }
        if let order = compare(lhs.posRefId ?? "", rhs.posRefId ?? "") { return order }
        if let order = compare(lhs.receiptUuid ?? "", rhs.receiptUuid ?? "") { return order }
        return lhs.detail < rhs.detail
    }

    /// Nil when equal, else whether `lhs` comes first.
    @inline(__always)
    private static func compare(_ lhs: String, _ rhs: String) -> Bool? {
        lhs == rhs ? nil : lhs < rhs
    }

    /// The identity as a hashable value: what `identity` lists, without building an array.
    struct Identity: Hashable {
        var code: FindingCode
        var pem: String?
        var fiscalDay: FiscalDay?
        var terminal: String?
        var sale: String?
        var subjectRest: [String]
    }

    var identityKey: Identity {
        Identity(code: code, pem: pem, fiscalDay: fiscalDay, terminal: terminal, sale: sale, subjectRest: subjectRest)
    }
}

extension Array where Element == Finding {
    /// One finding per (code, subject), in report order. The first of two findings with the same identity wins.
    public func deduplicatedInReportOrder() -> [Finding] {
        var seen = Set<Finding.Identity>()
        var unique: [Finding] = []
        unique.reserveCapacity(count)
        for finding in self where seen.insert(finding.identityKey).inserted {
            unique.append(finding)
        }
        return unique.sorted(by: Finding.reportOrder)
    }
}
