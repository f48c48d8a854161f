/// What a `SUBMISSION_UNCERTAIN` is about: a PEM and fiscal day, or the PEM alone when no day applies.
public struct SubmissionSubject: Sendable, Hashable, Comparable {
    public var pem: String
    public var day: FiscalDay?

    public init(pem: String, day: FiscalDay? = nil) {
        self.pem = pem
        self.day = day
    }

    public static func < (lhs: SubmissionSubject, rhs: SubmissionSubject) -> Bool {
        if lhs.pem != rhs.pem { return lhs.pem < rhs.pem }
        switch (lhs.day, rhs.day) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let left?, let right?): return left < right
        }
    }
}
