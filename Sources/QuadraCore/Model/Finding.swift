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

    /// The report order: pem, fiscal day, terminal, sale, code, then the rest of the subject (then posRefId,
    /// receipt uuid and detail, so the order is total). An absent attribute comes before every present one.
    /// Compares field by field, allocating nothing.
    public static func reportOrder(_ lhs: borrowing Finding, _ rhs: borrowing Finding) -> Bool {
        if let order = subjectOrder(lhs, rhs) { return order }
        if let order = compare(lhs.posRefId, rhs.posRefId) { return order }
        if let order = compare(lhs.receiptUuid, rhs.receiptUuid) { return order }
        return lhs.detail < rhs.detail
    }

    /// The leading keys of the report order, which are exactly the identity (one finding per code and subject:
    /// code, pem, fiscal day, terminal, sale and `subjectRest`, an absent attribute differing from an empty one):
    /// nil when the two findings have the same identity, else whether `lhs` comes first.
    static func subjectOrder(_ lhs: borrowing Finding, _ rhs: borrowing Finding) -> Bool? {
        if let order = compare(lhs.pem, rhs.pem) { return order }
        if lhs.fiscalDay != rhs.fiscalDay { return dayOrder(lhs.fiscalDay, rhs.fiscalDay) }
        if let order = compare(lhs.terminal, rhs.terminal) { return order }
        if let order = compare(lhs.sale, rhs.sale) { return order }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        if lhs.subjectRest != rhs.subjectRest { return lhs.subjectRest.lexicographicallyPrecedes(rhs.subjectRest) }
        return nil
    }

    /// The order of two different fiscal days as the report sorts them: by their text (an absent day first).
    static func dayOrder(_ lhs: FiscalDay?, _ rhs: FiscalDay?) -> Bool {
        guard let left = lhs, let right = rhs else { return lhs == nil && rhs != nil }
        // Years of up to four digits (written zero-padded) order as their text does.
        if (0...9999).contains(left.year), (0...9999).contains(right.year) { return left < right }
        return left.description < right.description
    }

    /// The order of optional texts: an absent one first.
    static func optionalOrder(_ lhs: String?, _ rhs: String?) -> Bool { compare(lhs, rhs) ?? false }

    /// Nil when equal, else whether `lhs` comes first (an absent value first).
    @inline(__always)
    private static func compare(_ lhs: borrowing String?, _ rhs: borrowing String?) -> Bool? {
        switch lhs {
        case .none: return rhs == nil ? nil : true
        case .some(let left):
            switch rhs {
            case .none: return false
            case .some(let right): return left == right ? nil : left < right
            }
        }
    }
}

extension Array where Element == Finding {
    /// One finding per (code, subject), in report order. The first of two findings with the same identity wins.
    ///
    /// The identity is the leading part of the report order, so findings that share one sort next to each other.
    /// Each attribute of the identity is first replaced by its rank among the values that attribute takes (texts
    /// sorted once each, however many findings share them); then positions are sorted by those numbers, then by
    /// position, so the first finding of an identity leads its run, and the first of each run is kept.
    public func deduplicatedInReportOrder() -> [Finding] {
        if isUniqueInReportOrder { return self }
        let keys = identityKeys()
        var order = [Int32](0..<Int32(count))
        keys.withUnsafeBufferPointer { keys in
            order.sort { keys[Int($0)] != keys[Int($1)] ? keys[Int($0)] < keys[Int($1)] : $0 < $1 }
        }
        var unique: [Finding] = []
        unique.reserveCapacity(count)
        var previous: Int?
        for position in order {
            let index = Int(position)
            if let previous, keys[previous] == keys[index] { continue }
            unique.append(self[index])
            previous = index
        }
        return unique
    }

    /// Each finding's identity as ranks that order as `Finding.subjectOrder` does and are equal when it says nil.
    /// The attributes are ranked on several threads at once.
    private func identityKeys() -> [IdentityKey] {
        let findings = self
        let ranked = try? ParallelWork.map(count: IdentityKey.attributes, workers: ParallelWork.defaultWorkers) {
            attribute -> [Int32] in
            switch attribute {
            case 0: return Self.ranks(findings.map(\.pem), Finding.optionalOrder)
            case 1: return Self.ranks(findings.map(\.fiscalDay), Finding.dayOrder)
            case 2: return Self.ranks(findings.map(\.terminal), Finding.optionalOrder)
            case 3: return Self.ranks(findings.map(\.sale), Finding.optionalOrder)
            case 4: return Self.ranks(findings.map(\.code)) { $0.rawValue < $1.rawValue }
            default: return Self.ranks(findings.map(\.subjectRest)) { $0.lexicographicallyPrecedes($1) }
            }
        }
        guard let ranked else { preconditionFailure("ranking throws nothing") }
        return indices.map { index in
            IdentityKey(
                pem: ranked[0][index], day: ranked[1][index], terminal: ranked[2][index], sale: ranked[3][index],
                code: ranked[4][index], rest: ranked[5][index])
        }
    }

    /// Each value's rank among the distinct values, by `less`.
    private static func ranks<Value: Hashable>(_ values: [Value], _ less: (Value, Value) -> Bool) -> [Int32] {
        let ranks = Dictionary(
            uniqueKeysWithValues: Set(values).sorted(by: less).enumerated().map { ($1, Int32($0)) })
        return values.map { ranks[$0] ?? 0 }
    }

    /// True when each finding has a different identity than the one before and comes after it in report order
    /// (what `deduplicatedInReportOrder` returns).
    var isUniqueInReportOrder: Bool {
        withUnsafeBufferPointer { findings in
            guard findings.count > 1 else { return true }
            for index in 1..<findings.count where Finding.subjectOrder(findings[index - 1], findings[index]) != true {
                return false
            }
            return true
        }
    }
}

/// A finding's identity as ranks, compared in the report order's sequence of attributes.
private struct IdentityKey: Equatable, Comparable {
    /// How many attributes the identity has.
    static let attributes = 6

    var pem: Int32
    var day: Int32
    var terminal: Int32
    var sale: Int32
    var code: Int32
    var rest: Int32

    static func < (lhs: IdentityKey, rhs: IdentityKey) -> Bool {
        (lhs.pem, lhs.day, lhs.terminal, lhs.sale, lhs.code, lhs.rest)
            < (rhs.pem, rhs.day, rhs.terminal, rhs.sale, rhs.code, rhs.rest)
    }
}
