import QuadraCore
import QuadraServices

/// What stage 4 (submission to A-Cube) did, or would do without submitting.
public struct SubmissionReport: Sendable {
    /// The engine's result; nil when nothing was submitted.
    public var result: SubmissionResult?
    /// Lines for the summary.
    public var lines: [String]
    /// Why submission stopped (A-Cube down, credentials refused); the run then exits 2.
    public var failure: String?

    public init(result: SubmissionResult? = nil, lines: [String], failure: String? = nil) {
        self.result = result
        self.lines = lines
        self.failure = failure
    }

    /// The report of an engine's result.
    public init(_ result: SubmissionResult) {
        var lines = Self.describe(result)
        if result.failure != nil { lines.append("Submission to A-Cube stopped; run again when A-Cube can be used.") }
        self.init(result: result, lines: lines, failure: result.failure)
    }

    /// The summary lines of a result: sent, not sent, refused, not settled.
    public static func describe(_ result: SubmissionResult) -> [String] {
        var lines: [String] = []
        if !result.sent.isEmpty { lines.append("Sent to A-Cube: " + result.sent.joined(separator: ", ") + ".") }
        if !result.skipped.isEmpty { lines.append("Not sent: " + result.skipped.joined(separator: ", ") + ".") }
        if !result.rejected.isEmpty {
            lines.append(
                "Refused by A-Cube: "
                    + result.rejected.keys.sorted().map { "\($0.pem) \($0.day)" }.joined(separator: ", ")
                    + " (see SUBMISSION_REJECTED).")
        }
        if !result.uncertain.isEmpty {
            lines.append(
                "Not settled, nothing more sent for those PEMs: "
                    + result.uncertain.keys.sorted().map { "\($0.pem)" + ($0.day.map { " \($0)" } ?? "") }
                    .joined(separator: ", ") + " (see SUBMISSION_UNCERTAIN).")
        }
        return lines
    }
}
