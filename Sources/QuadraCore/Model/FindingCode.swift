/// The finding codes of the contract (formats.md §3), each with its severity and the action the report writes.
public enum FindingCode: String, Sendable, Hashable, CaseIterable, Comparable {
    case paymentInProgress = "PAYMENT_IN_PROGRESS"
    case paymentRecoveredApproved = "PAYMENT_RECOVERED_APPROVED"
    case paymentRecoveredDeclined = "PAYMENT_RECOVERED_DECLINED"
    case paymentManualOverride = "PAYMENT_MANUAL_OVERRIDE"
    case paymentStillInProgress = "PAYMENT_STILL_IN_PROGRESS"
    case paymentNotFound = "PAYMENT_NOT_FOUND"
    case paymentUnreachable = "PAYMENT_UNREACHABLE"
    case paymentAmountMismatch = "PAYMENT_AMOUNT_MISMATCH"
    case doubleCharge = "DOUBLE_CHARGE"
    case receiptMissing = "RECEIPT_MISSING"
    case receiptNotInJournal = "RECEIPT_NOT_IN_JOURNAL"
    case receiptAmountMismatch = "RECEIPT_AMOUNT_MISMATCH"
    case receiptForUnpaidSale = "RECEIPT_FOR_UNPAID_SALE"
    case orphanReceipt = "ORPHAN_RECEIPT"
    case receiptDuringOffline = "RECEIPT_DURING_OFFLINE"
    case offlineSaleNotRecorded = "OFFLINE_SALE_NOT_RECORDED"
    case offlineRecordUnsubmitted = "OFFLINE_RECORD_UNSUBMITTED"
    case offlinePeriodNotNotified = "OFFLINE_PERIOD_NOT_NOTIFIED"
    case journalNotClosed = "JOURNAL_NOT_CLOSED"
    case communicationIncident = "COMMUNICATION_INCIDENT"
    case platformOffline = "PLATFORM_OFFLINE"
    case acubeDataMissing = "ACUBE_DATA_MISSING"
    case submissionRejected = "SUBMISSION_REJECTED"
    case submissionUncertain = "SUBMISSION_UNCERTAIN"
    case inputRejected = "INPUT_REJECTED"

    public static func < (lhs: FindingCode, rhs: FindingCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public var severity: Severity {
        switch self {
        case .paymentRecoveredApproved, .paymentRecoveredDeclined, .communicationIncident, .platformOffline:
            .info
        case .paymentManualOverride, .paymentAmountMismatch, .orphanReceipt, .acubeDataMissing, .inputRejected:
            .warning
        case .doubleCharge, .receiptDuringOffline, .submissionUncertain:
            .critical
        case .paymentInProgress, .paymentStillInProgress, .paymentNotFound, .paymentUnreachable, .receiptMissing,
            .receiptNotInJournal, .receiptAmountMismatch, .receiptForUnpaidSale, .offlineSaleNotRecorded,
            .offlineRecordUnsubmitted, .offlinePeriodNotNotified, .journalNotClosed, .submissionRejected:
            .action
        }
    }

    /// The action written in the report, word for word from the contract.
    public var action: String {
        switch self {
        case .paymentInProgress: "recover from Spice"
        case .paymentRecoveredApproved: "none; the sale counts as paid"
        case .paymentRecoveredDeclined: "none"
        case .paymentManualOverride: "check the terminal; no card receipts exist"
        case .paymentStillInProgress: "run again later"
        case .paymentNotFound: "check the terminal's history by hand"
        case .paymentUnreachable: "run again when Spice is up"
        case .paymentAmountMismatch: "check the charge"
        case .doubleCharge: "refund the extra charge"
        case .receiptMissing: "issue the receipt"
        case .receiptNotInJournal: "check with A-Cube"
        case .receiptAmountMismatch: "void and reissue"
        case .receiptForUnpaidSale: "void the receipt"
        case .orphanReceipt: "check the POS"
        case .receiptDuringOffline: "report to A-Cube"
        case .offlineSaleNotRecorded: "it is added to the prepared upload"
        case .offlineRecordUnsubmitted: "submit the prepared upload"
        case .offlinePeriodNotNotified: "notify A-Cube"
        case .journalNotClosed: "close the journal"
        case .communicationIncident: "none"
        case .platformOffline: "none"
        case .acubeDataMissing: "fetch A-Cube data"
        case .submissionRejected: "fix the data"
        case .submissionUncertain: "check the PEM's reports at A-Cube and record what they cover"
        case .inputRejected: "fix the source"
        }
    }
}
