/// A (PEM, fiscal day) pair: the subject of coverage, journals and submissions.
public struct PemDay: Sendable, Hashable, Comparable {
    public var pem: String
    public var day: FiscalDay

    public init(pem: String, day: FiscalDay) {
        self.pem = pem
        self.day = day
    }

    public static func < (lhs: PemDay, rhs: PemDay) -> Bool { (lhs.pem, lhs.day) < (rhs.pem, rhs.day) }
}
