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
    /// receipt uuid and detail, so the order is total). An absent attribute comes before every present one.
    /// Compares field by field, allocating nothing.
    public static func reportOrder(_ lhs: borrowing Finding, _ rhs: borrowing Finding) -> Bool {
        if let order = subjectOrder(lhs, rhs) { return order }
        if let order = compare(lhs.posRefId, rhs.posRefId) { return order }
        if let order = compare(lhs.receiptUuid, rhs.receiptUuid) { return order }
        return lhs.detail < rhs.detail
    }

    /// The leading keys of the report order, which are exactly the identity: nil when the two findings have the
    /// same identity, else whether `lhs` comes first.
    static func subjectOrder(_ lhs: borrowing Finding, _ rhs: borrowing Finding) -> Bool? {
        if let order = compare(lhs.pem, rhs.pem) { return order }
        if lhs.fiscalDay != rhs.fiscalDay {
            guard let left = lhs.fiscalDay, let right = rhs.fiscalDay else { return lhs.fiscalDay == nil }
            // Years of up to four digits (written zero-padded) order as their text does.
            if (0...9999).contains(left.year), (0...9999).contains(right.year) { return left < right }
            return left.description < right.description
        }
        if let order = compare(lhs.terminal, rhs.terminal) { return order }
        if let order = compare(lhs.sale, rhs.sale) { return order }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        if lhs.subjectRest != rhs.subjectRest { return lhs.subjectRest.lexicographicallyPrecedes(rhs.subjectRest) }
        return nil
    }

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
    ///
    /// The identity is the leading part of the report order, so findings that share one sort next to each other:
    /// positions are sorted (by identity, then position, so the first one read leads its run) and the first of
    /// each run is kept. Only positions move while sorting, never the findings themselves; a long list is sorted
    /// in `workers` pieces at once, then merged (the order is total, so the result is the same either way).
    public func deduplicatedInReportOrder(workers: Int = ParallelWork.defaultWorkers) -> [Finding] {
        if isUniqueInReportOrder { return self }
        let order = sortedPositions(workers: count < 16_384 ? 1 : workers)
        return withUnsafeBufferPointer { findings in
            var unique: [Finding] = []
            unique.reserveCapacity(findings.count)
            var previous: Int?
            for position in order {
                let index = Int(position)
                if let previous, Finding.subjectOrder(findings[previous], findings[index]) == nil { continue }
                unique.append(findings[index])
                previous = index
            }
            return unique
        }
    }

    /// Positions 0..<count sorted by identity, then position.
    private func sortedPositions(workers: Int) -> [Int32] {
        let pieces = Swift.max(1, Swift.min(workers, count / 4_096))
        let findings = self
        let sorted =
            (try? ParallelWork.map(count: pieces, workers: pieces) { piece -> [Int32] in
                let lower = findings.count * piece / pieces
                let upper = findings.count * (piece + 1) / pieces
                var positions = [Int32](Int32(lower)..<Int32(upper))
                findings.withUnsafeBufferPointer { all in positions.sort { Self.precedes($0, $1, all) } }
                return positions
            }) ?? []
        return withUnsafeBufferPointer { all in
            sorted.dropFirst().reduce(sorted.first ?? []) { Self.merge($0, $1, all) }
        }
    }

    /// Whether the finding at `left` sorts before the one at `right`: by identity, then by position.
    @inline(__always)
    private static func precedes(_ left: Int32, _ right: Int32, _ all: UnsafeBufferPointer<Finding>) -> Bool {
        Finding.subjectOrder(all[Int(left)], all[Int(right)]) ?? (left < right)
    }

    private static func merge(_ left: [Int32], _ right: [Int32], _ all: UnsafeBufferPointer<Finding>) -> [Int32] {
        var merged: [Int32] = []
        merged.reserveCapacity(left.count + right.count)
        var (i, j) = (0, 0)
        while i < left.count, j < right.count {
            if precedes(right[j], left[i], all) {
                merged.append(right[j])
                j += 1
            } else {
                merged.append(left[i])
                i += 1
            }
        }
        merged.append(contentsOf: left[i...])
        merged.append(contentsOf: right[j...])
        return merged
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
