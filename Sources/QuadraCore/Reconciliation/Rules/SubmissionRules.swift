/// `SUBMISSION_REJECTED` and `SUBMISSION_UNCERTAIN`, from the state store and the submitting run.
extension Reconciler {
    mutating func evaluateRejectedSubmissions() {
        for (pemDay, violations) in context.rejectedSubmissions {
            findings.append(
                Finding(
                    code: .submissionRejected, pem: pemDay.pem, fiscalDay: pemDay.day,
                    detail: "A-Cube refused the emergency report: \(violations)"))
        }
    }

    /// `SUBMISSION_UNCERTAIN`: the store's unsettled submissions, and what the submitting run could not settle
    /// (its detail wins for the same subject: it is the fresher).
    mutating func evaluateUncertainSubmissions() {
        var subjects: [SubmissionSubject: String] = [:]
        for (pemDay, detail) in context.state.unsettledSubmissions {
            subjects[SubmissionSubject(pem: pemDay.pem, day: pemDay.day)] = detail
        }
        subjects.merge(context.uncertainSubmissions) { $1 }
        for (subject, detail) in subjects {
            findings.append(
                Finding(code: .submissionUncertain, pem: subject.pem, fiscalDay: subject.day, detail: detail))
        }
    }
}
