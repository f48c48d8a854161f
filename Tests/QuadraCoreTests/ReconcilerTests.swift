import QuadraTestSupport
import Testing

@testable import QuadraCore

private typealias B = NightBuilder

private let pem = NightBuilder.pem
private let pem2 = "E001-000002"
/// Midnight in Rome at the end of 2026-11-21.
private let asOf = "2026-11-21T23:00:00Z"

/// The client window of `clientOfflineNight`: the first `unreachable` at 19:00:05 Rome time.
private let clientWindowStart = "2026-11-21T18:00:05Z"
private let notified = StateSnapshot(
    notifiedPeriods: [PemInstant(pem: pem, instant: B.instant(clientWindowStart))])

/// A cash sale rung up at 19:00 whose receipt failed (`unreachable`): a client window opens and never closes.
private func clientOfflineNight(registered: Bool) -> NightBuilder {
    var b = B()
    b.pos(
        B.sale("S-2", at: "2026-11-21T19:00:00+01:00", total: "8.00", payment: "cash"),
        B.failed("S-2", at: "2026-11-21T19:00:05+01:00", reason: "unreachable"))
    if registered { b.register(at: "2026-11-21 19:02", sale: "S-2", lines: [("22.00", "8.00")]) }
    return b
}

/// An older notification: `type: PEM_STATUS_CHANGED`, the new status in `body` (`"data":{"to":…}` and the like).
private func statusChanged(_ uuid: String, at: String, _ body: String) -> String {
    #"{"uuid":""# + uuid + #"","message":"PEM status changed","scope":"pem","created_at":""# + at
        + #"","type":"PEM_STATUS_CHANGED","# + body + "}"
}

/// STATUS_OFFLINE at 17:00Z and STATUS_ONLINE at 18:00Z.
private let platformNotifications = [
    B.offline("n-1", at: "2026-11-21T17:00:00Z"), B.online("n-2", at: "2026-11-21T18:00:00Z"),
]

@Suite struct ReconcilerTests {
    // MARK: - Payment attempts

    @Test func unansweredAttemptIsInProgress() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000))
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PAYMENT_IN_PROGRESS R-1"])
        let finding = try #require(r.only(.paymentInProgress))
        #expect(finding.pem == pem)
        #expect(finding.fiscalDay == B.day("2026-11-21"))
        #expect(finding.terminal == "T1")
        #expect(finding.sale == "S-1")
        #expect(finding.posRefId == "R-1")
        #expect(finding.amount == Money(cents: 3000))
        #expect(finding.severity == .action)
        #expect(r.openAttempts == [OpenAttempt(terminal: "T1", sale: "S-1", posRefId: "R-1", kind: .purchase)])
    }

    @Test func answeredAttemptIsNotInProgress() {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: true, amount: 3000))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:00:24", total: "30.00")
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects.isEmpty)
        #expect(r.openAttempts.isEmpty)
    }

    @Test func loggedUserOverrideIsManualOverride() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: true, userOverride: true),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "9.00"),
            B.request("S-2", "R-2", at: "2026-11-21T11:00:02+01:00", amount: 900),
            B.response("S-2", "R-2", at: "2026-11-21T11:00:20+01:00", success: true))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:00:24", total: "30.00")
        b.issuedReceipt("S-2", "rc-2", local: "2026-11-21T11:00:24", total: "9.00")
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PAYMENT_MANUAL_OVERRIDE R-1"])
        let finding = try #require(r.only(.paymentManualOverride))
        #expect(finding.severity == .warning)
        #expect(finding.sale == "S-1")
        #expect(finding.amount == Money(cents: 3000))
    }

    @Test func recoveredApprovalCountsAsPaid() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000))
        let recovered = RecoveredResponse(amount: Money(cents: 3000), userOverride: false, hostResponseText: "APPROVED")
        let r = b.reconcile(asOf: asOf, recoveries: ["R-1": .approved(recovered)])
        #expect(r.codeSubjects == ["PAYMENT_RECOVERED_APPROVED R-1", "RECEIPT_MISSING S-1"])
        #expect(r.openAttempts.isEmpty)
        let finding = try #require(r.only(.paymentRecoveredApproved))
        #expect(finding.severity == .info)
        #expect(finding.code.action == "none; the sale counts as paid")
    }

    @Test func recoveredApprovalBesideLoggedApprovalIsDoubleCharge() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: true, amount: 3000),
            B.request("S-1", "R-2", at: "2026-11-21T10:01:00+01:00", amount: 3000))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:01:30", total: "30.00")
        let recovered = RecoveredResponse(amount: nil, userOverride: false, hostResponseText: nil)
        let r = b.reconcile(asOf: asOf, recoveries: ["R-2": .approved(recovered)])
        #expect(r.codeSubjects == ["PAYMENT_RECOVERED_APPROVED R-2", "DOUBLE_CHARGE S-1"])
        let charge = try #require(r.only(.doubleCharge))
        #expect(charge.amount == Money(cents: 3000))
    }

    @Test func recoveredUserOverrideIsManualOverride() {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:01:30", total: "30.00")
        let recovered = RecoveredResponse(amount: Money(cents: 3000), userOverride: true, hostResponseText: nil)
        let r = b.reconcile(asOf: asOf, recoveries: ["R-1": .approved(recovered)])
        #expect(r.codeSubjects == ["PAYMENT_RECOVERED_APPROVED R-1", "PAYMENT_MANUAL_OVERRIDE R-1"])
    }

    @Test func recoveredDeclineMakesTheSaleUnpaid() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "5.00"),
            B.request("S-2", "R-2", at: "2026-11-21T11:00:02+01:00", amount: 500))
        b.issuedReceipt("S-2", "rc-2", local: "2026-11-21T11:00:30", total: "5.00")
        let declined = RecoveredResponse(amount: nil, userOverride: false, hostResponseText: "DECLINED")
        let r = b.reconcile(asOf: asOf, recoveries: ["R-1": .declined(declined), "R-2": .declined(declined)])
        // S-1 has no receipt and is unpaid: nothing more; S-2 is unpaid and has one.
        #expect(
            r.codeSubjects == [
                "PAYMENT_RECOVERED_DECLINED R-1", "PAYMENT_RECOVERED_DECLINED R-2", "RECEIPT_FOR_UNPAID_SALE S-2",
            ])
        #expect(r.findings.first { $0.posRefId == "R-1" }?.severity == .info)
    }

    @Test func recoveryFailuresAreReportedPerAttempt() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "5.00"),
            B.request("S-2", "R-2", at: "2026-11-21T11:00:02+01:00", amount: 500),
            B.sale("S-3", at: "2026-11-21T12:00:00+01:00", total: "7.00"),
            B.request("S-3", "R-3", at: "2026-11-21T12:00:02+01:00", amount: 700))
        let r = b.reconcile(
            asOf: asOf,
            recoveries: [
                "R-1": .stillRunning(detail: "still running at the deadline"),
                "R-2": .notFound(detail: "Spice does not know R-2"),
                "R-3": .unreachable(detail: "connection refused"),
            ])
        // The payments stay unknown: no RECEIPT_MISSING for sales without a receipt.
        #expect(
            r.codeSubjects == [
                "PAYMENT_STILL_IN_PROGRESS R-1", "PAYMENT_NOT_FOUND R-2", "PAYMENT_UNREACHABLE R-3",
            ])
        #expect(r.only(.paymentStillInProgress)?.detail == "still running at the deadline")
        #expect(r.only(.paymentNotFound)?.detail == "Spice does not know R-2")
        #expect(r.only(.paymentUnreachable)?.detail == "connection refused")
        #expect(r.findings.allSatisfy { $0.severity == .action })
        #expect(r.openAttempts.isEmpty)
    }

    @Test func approvedAmountDifferentFromTheTotal() throws {
        var b = B()
        b.pos(
            // The response amount differs.
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: true, amount: 2500),
            // No response amount: the request amount is the approved amount.
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "30.00"),
            B.request("S-2", "R-2", at: "2026-11-21T11:00:02+01:00", amount: 2900),
            B.response("S-2", "R-2", at: "2026-11-21T11:00:20+01:00", success: true),
            // Same, matching.
            B.sale("S-3", at: "2026-11-21T12:00:00+01:00", total: "30.00"),
            B.request("S-3", "R-3", at: "2026-11-21T12:00:02+01:00", amount: 3000),
            B.response("S-3", "R-3", at: "2026-11-21T12:00:20+01:00", success: true),
            // The response amount wins over a different request amount.
            B.sale("S-4", at: "2026-11-21T13:00:00+01:00", total: "30.00"),
            B.request("S-4", "R-4", at: "2026-11-21T13:00:02+01:00", amount: 2900),
            B.response("S-4", "R-4", at: "2026-11-21T13:00:20+01:00", success: true, amount: 3000))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:00:30", total: "30.00")
        b.issuedReceipt("S-2", "rc-2", local: "2026-11-21T11:00:30", total: "30.00")
        b.issuedReceipt("S-3", "rc-3", local: "2026-11-21T12:00:30", total: "30.00")
        b.issuedReceipt("S-4", "rc-4", local: "2026-11-21T13:00:30", total: "30.00")
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PAYMENT_AMOUNT_MISMATCH R-1", "PAYMENT_AMOUNT_MISMATCH R-2"])
        #expect(r.findings.map(\.amount) == [Money(cents: 2500), Money(cents: 2900)])
        #expect(r.findings.allSatisfy { $0.severity == .warning })
    }

    @Test func twoApprovedAttemptsAreADoubleCharge() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: true, amount: 3000),
            B.request("S-1", "R-2", at: "2026-11-21T10:01:00+01:00", amount: 3000),
            B.response("S-1", "R-2", at: "2026-11-21T10:01:20+01:00", success: true, amount: 3000),
            // A decline then an approval is one charge.
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "5.00"),
            B.request("S-2", "R-3", at: "2026-11-21T11:00:02+01:00", amount: 500),
            B.response("S-2", "R-3", at: "2026-11-21T11:00:20+01:00", success: false),
            B.request("S-2", "R-4", at: "2026-11-21T11:01:00+01:00", amount: 500),
            B.response("S-2", "R-4", at: "2026-11-21T11:01:20+01:00", success: true))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:01:30", total: "30.00")
        b.issuedReceipt("S-2", "rc-2", local: "2026-11-21T11:01:30", total: "5.00")
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["DOUBLE_CHARGE S-1"])
        let finding = try #require(r.only(.doubleCharge))
        #expect(finding.severity == .critical)
        #expect(finding.code.action == "refund the extra charge")
        #expect(finding.amount == Money(cents: 3000))
        #expect(finding.posRefId == nil)
    }

    // MARK: - Paid, unpaid, unknown

    @Test func paidUnpaidAndUnknownSalesWithoutReceipts() {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            B.sale("S-2", at: "2026-11-21T10:10:00+01:00", total: "6.00", payment: "ticket"),
            // Every attempt declined: unpaid.
            B.sale("S-3", at: "2026-11-21T10:20:00+01:00", total: "7.00"),
            B.request("S-3", "R-3a", at: "2026-11-21T10:20:02+01:00", amount: 700),
            B.response("S-3", "R-3a", at: "2026-11-21T10:20:20+01:00", success: false),
            B.request("S-3", "R-3b", at: "2026-11-21T10:21:00+01:00", amount: 700),
            B.response("S-3", "R-3b", at: "2026-11-21T10:21:20+01:00", success: false),
            // An unanswered attempt: unknown.
            B.sale("S-4", at: "2026-11-21T10:30:00+01:00", total: "8.00"),
            B.request("S-4", "R-4", at: "2026-11-21T10:30:02+01:00", amount: 800),
            // A decline and an unanswered attempt: unknown.
            B.sale("S-5", at: "2026-11-21T10:40:00+01:00", total: "9.00"),
            B.request("S-5", "R-5a", at: "2026-11-21T10:40:02+01:00", amount: 900),
            B.response("S-5", "R-5a", at: "2026-11-21T10:40:20+01:00", success: false),
            B.request("S-5", "R-5b", at: "2026-11-21T10:41:00+01:00", amount: 900),
            // Electronic with no attempt at all: unknown.
            B.sale("S-6", at: "2026-11-21T10:50:00+01:00", total: "10.00"))
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.codeSubjects == [
                "RECEIPT_MISSING S-1", "RECEIPT_MISSING S-2", "PAYMENT_IN_PROGRESS R-4", "PAYMENT_IN_PROGRESS R-5b",
            ])
    }

    @Test func unknownPaymentWithAReceiptIsNotUnpaid() {
        var b = B()
        b.pos(
            B.sale("S-4", at: "2026-11-21T10:30:00+01:00", total: "8.00"),
            B.request("S-4", "R-4", at: "2026-11-21T10:30:02+01:00", amount: 800),
            B.sale("S-3", at: "2026-11-21T10:20:00+01:00", total: "7.00"),
            B.request("S-3", "R-3", at: "2026-11-21T10:20:02+01:00", amount: 700),
            B.response("S-3", "R-3", at: "2026-11-21T10:20:20+01:00", success: false))
        b.issuedReceipt("S-4", "rc-4", local: "2026-11-21T10:30:30", total: "8.00")
        b.issuedReceipt("S-3", "rc-3", local: "2026-11-21T10:20:30", total: "7.00")
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PAYMENT_IN_PROGRESS R-4", "RECEIPT_FOR_UNPAID_SALE S-3"])
    }

    // MARK: - Receipts

    @Test func paidSaleWithoutReceiptIsMissingUnlessARegisterNamesIt() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "6.00", payment: "cash"))
        b.register(at: "2026-11-21 11:01", sale: "S-2", lines: [("22.00", "6.00")])
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["RECEIPT_MISSING S-1", "OFFLINE_RECORD_UNSUBMITTED S-2"])
        let missing = try #require(r.only(.receiptMissing))
        #expect(missing.amount == Money(cents: 500))
        #expect(missing.severity == .action)
        #expect(missing.code.action == "issue the receipt")
    }

    @Test func receiptUnknownToAcube() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            B.issued("S-1", "rc-1", at: "2026-11-21T10:00:04+01:00", total: "5.00"))
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["RECEIPT_NOT_IN_JOURNAL S-1"])
        let finding = try #require(r.only(.receiptNotInJournal))
        #expect(finding.receiptUuid == "rc-1")
        #expect(finding.severity == .action)
    }

    @Test func receiptTotalDifferentFromTheSale() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "12.50", payment: "cash"),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "6.00", payment: "cash"))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:00:04", total: "12.50", acubeTotal: "13.00")
        b.issuedReceipt("S-2", "rc-2", local: "2026-11-21T11:00:04", total: "6.00", acubeTotal: "6.0")
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["RECEIPT_AMOUNT_MISMATCH S-1"])
        let finding = try #require(r.only(.receiptAmountMismatch))
        #expect(finding.receiptUuid == "rc-1")
        #expect(finding.amount == Money(cents: 1300))
    }

    @Test func receiptOfAnUnpaidSaleUnlessVoided() {
        func night(acubeExtra: [String]) -> Reconciliation {
            var b = B()
            b.pos(
                B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
                B.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 3000),
                B.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: false))
            b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:00:30", total: "30.00")
            if !acubeExtra.isEmpty { b.acube(receipts: acubeExtra) }
            return b.reconcile(asOf: asOf)
        }
        let unvoided = night(acubeExtra: [])
        #expect(unvoided.codeSubjects == ["RECEIPT_FOR_UNPAID_SALE S-1"])
        #expect(unvoided.only(.receiptForUnpaidSale)?.receiptUuid == "rc-1")
        #expect(unvoided.only(.receiptForUnpaidSale)?.code.action == "void the receipt")
        // A void of another receipt does not help.
        let otherVoid = night(acubeExtra: [B.receipt("rv-1", at: "2026-11-21T10:05:00", type: "void", parent: "rc-9")])
        #expect(otherVoid.codeSubjects == ["RECEIPT_FOR_UNPAID_SALE S-1"])
        // A void whose parent is the receipt (whatever its case) settles it.
        let voided = night(acubeExtra: [B.receipt("rv-1", at: "2026-11-21T10:05:00", type: "void", parent: "RC-1")])
        #expect(voided.codeSubjects.isEmpty)
    }

    @Test func orphanReceiptsAreSaleReceiptsNoEventNames() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            B.issued("S-1", "RC-ABC", at: "2026-11-21T10:00:04+01:00", total: "5.00"),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "6.00", payment: "cash"),
            B.issued("S-2", "rc-def", at: "2026-11-21T11:00:04+01:00", total: "6.00"))
        b.acube(receipts: [
            B.receipt("rc-abc", at: "2026-11-21T10:00:04", total: "5.00"),
            B.receipt("RC-DEF", at: "2026-11-21T11:00:04", total: "6.00"),
            B.receipt("rc-999", at: "2026-11-21T12:00:00", total: "7.50"),
            B.receipt("rv-1", at: "2026-11-21T12:05:00", type: "void"),
            B.receipt("rr-1", at: "2026-11-21T12:10:00", type: "return", parent: "rc-abc"),
        ])
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["ORPHAN_RECEIPT rc-999"])
        let finding = try #require(r.only(.orphanReceipt))
        #expect(finding.amount == Money(cents: 750))
        #expect(finding.fiscalDay == B.day("2026-11-21"))
        #expect(finding.severity == .warning)
        #expect(finding.code.action == "check the POS")
    }

    @Test func receiptDuringAPlatformWindowOnly() throws {
        var b = B()
        b.acube(notifications: platformNotifications)
        b.pos(
            // The receipt is dated at the window's start: inside.
            B.sale("S-1", at: "2026-11-21T17:59:50+01:00", total: "5.00", payment: "cash"),
            // Inside.
            B.sale("S-2", at: "2026-11-21T18:30:00+01:00", total: "6.00", payment: "cash"),
            // The receipt is dated at the window's end: outside.
            B.sale("S-3", at: "2026-11-21T18:59:59+01:00", total: "7.00", payment: "cash"),
            // A client window from 20:00:05 to 20:10:04.
            B.sale("S-4", at: "2026-11-21T20:00:00+01:00", total: "8.00", payment: "cash"),
            B.failed("S-4", at: "2026-11-21T20:00:05+01:00", reason: "unreachable"),
            B.sale("S-5", at: "2026-11-21T20:10:00+01:00", total: "9.00", payment: "cash"))
        b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T18:00:00", total: "5.00")
        b.issuedReceipt("S-2", "rc-2", local: "2026-11-21T18:30:04", total: "6.00")
        b.issuedReceipt("S-3", "rc-3", local: "2026-11-21T19:00:00", total: "7.00")
        b.issuedReceipt("S-5", "rc-5", local: "2026-11-21T20:10:04", total: "9.00")
        // A void dated inside the client window is no RECEIPT_DURING_OFFLINE.
        b.acube(receipts: [B.receipt("rv-6", at: "2026-11-21T20:05:00", type: "void")])
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.codeSubjects == [
                "PLATFORM_OFFLINE \(pem) 2026-11-21T17:00:00Z", "RECEIPT_DURING_OFFLINE rc-1",
                "RECEIPT_DURING_OFFLINE rc-2", "OFFLINE_SALE_NOT_RECORDED S-4",
                "OFFLINE_PERIOD_NOT_NOTIFIED \(pem) 2026-11-21T19:00:05Z",
            ])
        let during = r.findings.filter { $0.code == .receiptDuringOffline }
        #expect(during.allSatisfy { $0.severity == .critical && $0.code.action == "report to A-Cube" })
        #expect(r.clientWindows.map(\.end) == [B.instant("2026-11-21T19:10:04Z")])
    }

    // MARK: - Platform windows and incidents

    @Test func statusOfflineToStatusOnlineIsAPlatformWindow() throws {
        var b = B()
        b.acube(notifications: platformNotifications)
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PLATFORM_OFFLINE \(pem) 2026-11-21T17:00:00Z"])
        #expect(
            r.platformWindows == [
                OfflineWindow(
                    pem: pem, kind: .platform, start: B.instant("2026-11-21T17:00:00Z"),
                    end: B.instant("2026-11-21T18:00:00Z"))
            ])
        let finding = try #require(r.only(.platformOffline))
        #expect(finding.severity == .info)
        #expect(finding.fiscalDay == B.day("2026-11-21"))
        #expect(finding.detail == "PEM offline from 2026-11-21T18:00:00+01:00 to 2026-11-21T19:00:00+01:00")
    }

    @Test func platformWindowWithoutStatusOnlineRunsToAsOf() throws {
        var b = B()
        b.acube(
            receipts: [
                B.receipt("rv-in", at: "2026-11-21T23:59:00", type: "void"),
                B.receipt("rv-after", at: "2026-11-22T00:30:00", type: "void"),
            ],
            notifications: [B.offline("n-1", at: "2026-11-21T22:00:00Z")])
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PLATFORM_OFFLINE \(pem) 2026-11-21T22:00:00Z", "RECEIPT_DURING_OFFLINE rv-in"])
        #expect(r.platformWindows.map(\.end) == [nil])
        let finding = try #require(r.only(.platformOffline))
        #expect(
            finding.detail == "PEM offline from 2026-11-21T23:00:00+01:00 to still open at 2026-11-22T00:00:00+01:00")
    }

    /// The older and tolerant notification forms of formats.md §1.2.
    @Test(arguments: [
        // PEM_STATUS_CHANGED with data.to.
        [
            statusChanged("n-1", at: "2026-11-21T17:00:00Z", #""data":{"from":"ONLINE","to":"OFFLINE"}"#),
            statusChanged("n-2", at: "2026-11-21T18:00:00Z", #""data":{"from":"OFFLINE","to":"ONLINE"}"#),
        ],
        // PEM_STATUS_CHANGED with payload.to.
        [
            statusChanged("n-1", at: "2026-11-21T17:00:00Z", #""payload":{"to":"OFFLINE"}"#),
            statusChanged("n-2", at: "2026-11-21T18:00:00Z", #""payload":{"to":"ONLINE"}"#),
        ],
        // Codes with the older data and a scope object, offsets in local time.
        [
            #"{"uuid":"n-1","scope":{"type":"pem","id":"E001-000001"},"created_at":"2026-11-21T18:00:00+01:00","#
                + #""type":"STATUS_OFFLINE","code":"SYS-C-01","data":{}}"#,
            #"{"uuid":"n-2","scope":{"type":"pem","id":"E001-000001"},"created_at":"2026-11-21T19:00:00+01:00","#
                + #""type":"STATUS_ONLINE","code":"SYS-I-01","data":{}}"#,
        ],
    ])
    func notificationFormsMakeTheSameWindow(notifications: [String]) {
        var b = B()
        b.acube(notifications: notifications)
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PLATFORM_OFFLINE \(pem) 2026-11-21T17:00:00Z"])
        #expect(
            r.platformWindows.map { [$0.start, $0.end] } == [
                [B.instant("2026-11-21T17:00:00Z"), B.instant("2026-11-21T18:00:00Z")]
            ])
    }

    /// Decoding tolerantly, an older notification whose `payload` is null reads `data`.
    @Test func legacyStatusChangeWithNullPayloadReadsData() {
        var b = B()
        b.acube(notifications: [
            statusChanged("n-1", at: "2026-11-21T17:00:00Z", #""payload":null,"data":{"to":"OFFLINE"}"#),
            statusChanged("n-2", at: "2026-11-21T18:00:00Z", #""payload":null,"data":{"to":"ONLINE"}"#),
        ])
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["PLATFORM_OFFLINE \(pem) 2026-11-21T17:00:00Z"])
    }

    @Test func communicationFailureRestoredIsAnIncident() throws {
        var b = B()
        b.acube(notifications: [
            B.commFailure("n-1", at: "2026-11-21T16:30:00Z"), B.commRestored("n-2", at: "2026-11-21T16:50:00Z"),
            // A failure never restored is nothing yet.
            B.commFailure("n-3", at: "2026-11-21T20:00:00Z"),
        ])
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["COMMUNICATION_INCIDENT \(pem) 2026-11-21T16:30:00Z"])
        #expect(r.platformWindows.isEmpty)
        let finding = try #require(r.only(.communicationIncident))
        #expect(finding.severity == .info)
        #expect(finding.code.action == "none")
    }

    @Test func communicationFailureWithStatusOfflineBetweenIsNoIncident() {
        var b = B()
        b.acube(notifications: [
            B.commFailure("n-1", at: "2026-11-21T16:30:00Z"), B.offline("n-2", at: "2026-11-21T17:00:00Z"),
            B.commRestored("n-3", at: "2026-11-21T17:10:00Z"), B.online("n-4", at: "2026-11-21T18:00:00Z"),
            B.commFailure("n-5", at: "2026-11-21T19:30:00Z"), B.offline("n-6", at: "2026-11-21T20:00:00Z"),
            B.online("n-7", at: "2026-11-21T20:10:00Z"), B.commRestored("n-8", at: "2026-11-21T20:20:00Z"),
        ])
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.codeSubjects == [
                "PLATFORM_OFFLINE \(pem) 2026-11-21T17:00:00Z", "PLATFORM_OFFLINE \(pem) 2026-11-21T20:00:00Z",
            ])
    }

    // MARK: - Client windows and offline sales

    @Test func clientWindowFromFirstFailureToNextReceipt() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T19:00:00+01:00", total: "5.00", payment: "cash"),
            B.failed("S-1", at: "2026-11-21T19:00:05+01:00", reason: "unreachable"),
            B.sale("S-2", at: "2026-11-21T19:10:00+01:00", total: "6.00", payment: "cash"),
            B.failed("S-2", at: "2026-11-21T19:10:05+01:00", reason: "timeout"),
            B.sale("S-3", at: "2026-11-21T19:30:00+01:00", total: "7.00", payment: "cash"),
            B.sale("S-4", at: "2026-11-21T19:40:00+01:00", total: "8.00", payment: "cash"))
        b.issuedReceipt("S-3", "rc-3", local: "2026-11-21T19:30:04", total: "7.00")
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.clientWindows == [
                OfflineWindow(
                    pem: pem, kind: .client, start: B.instant("2026-11-21T18:00:05Z"),
                    end: B.instant("2026-11-21T18:30:04Z"))
            ])
        #expect(
            r.codeSubjects == [
                "OFFLINE_SALE_NOT_RECORDED S-1", "OFFLINE_SALE_NOT_RECORDED S-2",
                "OFFLINE_PERIOD_NOT_NOTIFIED \(pem) 2026-11-21T18:00:05Z", "RECEIPT_MISSING S-4",
            ])
        let notNotified = try #require(r.only(.offlinePeriodNotNotified))
        #expect(notNotified.fiscalDay == B.day("2026-11-21"))
        #expect(notNotified.code.action == "notify A-Cube")
    }

    @Test func serverErrorsAndRejectionsOpenNoClientWindow() {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T19:00:00+01:00", total: "5.00", payment: "cash"),
            B.failed("S-1", at: "2026-11-21T19:00:05+01:00", reason: "http_5xx"),
            B.sale("S-2", at: "2026-11-21T19:10:00+01:00", total: "6.00", payment: "cash"),
            B.failed("S-2", at: "2026-11-21T19:10:05+01:00", reason: "rejected"),
            B.sale("S-3", at: "2026-11-21T19:20:00+01:00", total: "7.00", payment: "cash"),
            B.failed("S-3", at: "2026-11-21T19:20:05+01:00", reason: "offline"))
        let r = b.reconcile(asOf: asOf)
        #expect(r.clientWindows.isEmpty)
        #expect(r.codeSubjects == ["RECEIPT_MISSING S-1", "RECEIPT_MISSING S-2", "RECEIPT_MISSING S-3"])
    }

    @Test func clientWindowWithoutAReceiptRunsToAsOf() throws {
        var b = clientOfflineNight(registered: false)
        b.pos(B.sale("S-3", at: "2026-11-21T21:00:00+01:00", total: "4.00", payment: "ticket"))
        let r = b.reconcile(asOf: asOf)
        #expect(r.clientWindows.map(\.end) == [nil])
        #expect(
            r.codeSubjects == [
                "OFFLINE_SALE_NOT_RECORDED S-2", "OFFLINE_SALE_NOT_RECORDED S-3",
                "OFFLINE_PERIOD_NOT_NOTIFIED \(pem) \(clientWindowStart)",
            ])
        let finding = try #require(r.only(.offlinePeriodNotNotified))
        #expect(
            finding.detail
                == "the POS could not reach A-Cube from 2026-11-21T19:00:05+01:00 to still open at"
                + " 2026-11-22T00:00:00+01:00; this offline period has not been notified")
    }

    @Test func offlineSaleByItsFailureInsideAPlatformWindow() {
        var b = B()
        b.acube(notifications: platformNotifications)
        b.pos(
            // Rung up before the window; its `offline` failure falls inside.
            B.sale("S-1", at: "2026-11-21T16:59:00Z", total: "5.00", payment: "cash"),
            B.failed("S-1", at: "2026-11-21T17:00:30Z", reason: "offline"),
            // Its `offline` failure falls after the window.
            B.sale("S-2", at: "2026-11-21T16:58:00Z", total: "6.00", payment: "cash"),
            B.failed("S-2", at: "2026-11-21T18:30:00Z", reason: "offline"),
            // An `http_5xx` inside the window does not make the sale offline.
            B.sale("S-3", at: "2026-11-21T16:57:00Z", total: "7.00", payment: "cash"),
            B.failed("S-3", at: "2026-11-21T17:10:00Z", reason: "http_5xx"),
            // Rung up inside the window.
            B.sale("S-4", at: "2026-11-21T17:30:00Z", total: "8.00", payment: "cash"))
        let r = b.reconcile(asOf: asOf)
        #expect(r.clientWindows.isEmpty)
        #expect(
            r.codeSubjects == [
                "PLATFORM_OFFLINE \(pem) 2026-11-21T17:00:00Z", "OFFLINE_SALE_NOT_RECORDED S-1",
                "RECEIPT_MISSING S-2", "RECEIPT_MISSING S-3", "OFFLINE_SALE_NOT_RECORDED S-4",
            ])
    }

    @Test func offlineSaleNotPaidIsNotRecordedAnywhere() {
        var b = clientOfflineNight(registered: false)
        b.pos(
            // Declined: unpaid.
            B.sale("S-3", at: "2026-11-21T19:10:00+01:00", total: "4.00"),
            B.request("S-3", "R-3", at: "2026-11-21T19:10:02+01:00", amount: 400),
            B.response("S-3", "R-3", at: "2026-11-21T19:10:20+01:00", success: false),
            // Unanswered: unknown.
            B.sale("S-4", at: "2026-11-21T19:20:00+01:00", total: "5.00"),
            B.request("S-4", "R-4", at: "2026-11-21T19:20:02+01:00", amount: 500))
        let r = b.reconcile(asOf: asOf, state: notified)
        #expect(r.codeSubjects == ["OFFLINE_SALE_NOT_RECORDED S-2", "PAYMENT_IN_PROGRESS R-4"])
        #expect(r.uploads.map(\.documentsCount) == [1])
    }

    // MARK: - Registers and coverage

    @Test func offlineSaleInNoRegisterIsNotRecordedWhetherCoveredOrNot() throws {
        let uncovered = clientOfflineNight(registered: false).reconcile(asOf: asOf, state: notified)
        #expect(uncovered.codeSubjects == ["OFFLINE_SALE_NOT_RECORDED S-2"])
        let finding = try #require(uncovered.only(.offlineSaleNotRecorded))
        #expect(finding.amount == Money(cents: 800))
        #expect(finding.code.action == "it is added to the prepared upload")
        // The sale goes into the prepared upload.
        let upload = try #require(uncovered.uploads.first)
        #expect(uncovered.uploads.count == 1)
        #expect(upload.pem == pem)
        #expect(upload.fiscalDay == B.day("2026-11-21"))
        #expect(upload.documentsCount == 1)
        #expect(upload.cashPaymentAmount == Money(cents: 800))
        #expect(upload.datetime == "2026-11-21T19:00:00+01:00")

        let submitted = StateSnapshot(
            submittedReports: [PemDay(pem: pem, day: B.day("2026-11-21"))], notifiedPeriods: notified.notifiedPeriods)
        let covered = clientOfflineNight(registered: false).reconcile(asOf: asOf, state: submitted)
        #expect(covered.codeSubjects == ["OFFLINE_SALE_NOT_RECORDED S-2"])
        #expect(covered.uploads.isEmpty)
    }

    @Test func registeredOfflineSaleIsUnsubmittedUntilCovered() throws {
        let r = clientOfflineNight(registered: true).reconcile(asOf: asOf, state: notified)
        #expect(r.codeSubjects == ["OFFLINE_RECORD_UNSUBMITTED S-2"])
        let finding = try #require(r.only(.offlineRecordUnsubmitted))
        #expect(finding.terminal == "T1")
        #expect(finding.fiscalDay == B.day("2026-11-21"))
        #expect(finding.amount == Money(cents: 800))
        #expect(finding.code.action == "submit the prepared upload")
        #expect(r.uploads.map(\.fiscalDay) == [B.day("2026-11-21")])
    }

    /// An exported emergency report covers 2026-11-21 for the PEM by its `datetime` (an export made elsewhere),
    /// even when `closed_at` falls on the next day; integer and string ids alike.
    @Test(arguments: [
        #"{"id":"e-1","closed_at":"2026-11-22T00:30:00+01:00","datetime":"2026-11-21T20:40:00+01:00"}"#,
        #"{"id":1042,"closed_at":"2026-11-22T00:30:00+01:00","datetime":"2026-11-21T20:40:00+01:00"}"#,
    ])
    func acubeEmergencyReportCoversTheDay(report: String) {
        var b = clientOfflineNight(registered: true)
        b.acube(emergencyReports: [report])
        let r = b.reconcile(asOf: asOf, state: notified)
        #expect(r.codeSubjects.isEmpty)
        #expect(r.uploads.isEmpty)
    }

    /// A-Cube's own list has `closed_at` only, a server time: it never decides coverage (formats.md §2).
    @Test(arguments: [
        #"{"id":1042,"closed_at":"2026-11-21T21:05:00+01:00"}"#,
        #"{"id":"e-1","closed_at":"2026-11-21T21:05:00+01:00","datetime":null}"#,
    ])
    func closedAtAloneNeverCoversADay(report: String) {
        var b = clientOfflineNight(registered: true)
        b.acube(emergencyReports: [report])
        let r = b.reconcile(asOf: asOf, state: notified)
        #expect(r.codeSubjects == ["OFFLINE_RECORD_UNSUBMITTED S-2"])
        #expect(r.uploads.map(\.fiscalDay) == [B.day("2026-11-21")])
        #expect(r.describedReportIds.isEmpty, "no datetime: nothing says what it covers")
    }

    @Test func theStoresUnsettledSubmissionsAndARunsDoubtsAreSubmissionUncertain() throws {
        let day = B.day("2026-11-21")
        var state = notified
        state.unsettledSubmissions = [PemDay(pem: B.pem, day: day): "not settled: answer lost"]
        let b = clientOfflineNight(registered: true)
        let fromStore = b.reconcile(asOf: asOf, state: state)
        let finding = try #require(fromStore.only(.submissionUncertain))
        #expect(finding.severity == .critical)
        #expect(finding.pem == B.pem && finding.fiscalDay == day)
        #expect(finding.detail == "not settled: answer lost")
        #expect(fromStore.uploads.map(\.fiscalDay) == [day], "still prepared: it is not covered")

        // The run's own doubt about the same day wins (it is fresher); one about the PEM alone has no day.
        let both = b.reconcile(
            asOf: asOf, state: state,
            uncertainSubmissions: [
                SubmissionSubject(pem: B.pem, day: day): "fresher",
                SubmissionSubject(pem: B.pem): "A-Cube holds report 7 that the store never recorded",
            ])
        let uncertain = both.findings.filter { $0.code == .submissionUncertain }
        #expect(uncertain.map(\.detail) == ["A-Cube holds report 7 that the store never recorded", "fresher"])
        #expect(uncertain.map(\.fiscalDay) == [nil, day])
    }

    @Test func acubeEmergencyReportOfAnotherDayDoesNotCover() {
        var b = clientOfflineNight(registered: true)
        // 23:30Z is 00:30 on 2026-11-22 in Rome.
        b.acube(emergencyReports: [
            #"{"id":"e-1","closed_at":"2026-11-21T21:05:00+01:00","datetime":"2026-11-21T23:30:00Z"}"#
        ])
        let r = b.reconcile(asOf: asOf, state: notified)
        #expect(r.codeSubjects == ["OFFLINE_RECORD_UNSUBMITTED S-2"])
    }

    @Test func stateStoreSubmissionCoversTheDay() {
        let state = StateSnapshot(
            submittedReports: [PemDay(pem: pem, day: B.day("2026-11-21"))], notifiedPeriods: notified.notifiedPeriods)
        let r = clientOfflineNight(registered: true).reconcile(asOf: asOf, state: state)
        #expect(r.codeSubjects.isEmpty)
        #expect(r.uploads.isEmpty)
        // Another day's submission does not.
        let other = StateSnapshot(
            submittedReports: [PemDay(pem: pem, day: B.day("2026-11-20"))], notifiedPeriods: notified.notifiedPeriods)
        #expect(
            clientOfflineNight(registered: true).reconcile(asOf: asOf, state: other).codeSubjects == [
                "OFFLINE_RECORD_UNSUBMITTED S-2"
            ])
    }

    @Test func unsubmittedOncePerSaleAndOncePerUnnamedRow() throws {
        var b = B()
        b.register(at: "2026-11-21 19:02", sale: "S-1", lines: [("22.00", "10.00")])
        b.register(at: "2026-11-21 19:02", sale: "S-1", lines: [("10.00", "5.00")])
        b.register(at: "2026-11-21 19:05", sale: nil, lines: [("22.00", "3.00")])
        b.register(at: "2026-11-21 19:05", sale: nil, lines: [("22.00", "3.00")])
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.orderedCodeSubjects == [
                "OFFLINE_RECORD_UNSUBMITTED row emergency/r.csv:0000000004",
                "OFFLINE_RECORD_UNSUBMITTED row emergency/r.csv:0000000005",
                "OFFLINE_RECORD_UNSUBMITTED S-1",
            ])
        let named = try #require(r.findings.first { $0.sale == "S-1" })
        #expect(named.amount == Money(cents: 1500))
        #expect(named.terminal == nil)
        #expect(r.findings.filter { $0.sale == nil }.map(\.amount) == [Money(cents: 300), Money(cents: 300)])
        // Unnamed rows with the same recorded time are one document.
        #expect(r.uploads.map(\.documentsCount) == [2])
    }

    @Test func offlinePeriodNotifiedInTheStateStore() {
        let notifiedElsewhere = StateSnapshot(
            notifiedPeriods: [PemInstant(pem: pem, instant: B.instant("2026-11-21T18:00:00Z"))])
        let otherPem = StateSnapshot(notifiedPeriods: [PemInstant(pem: pem2, instant: B.instant(clientWindowStart))])
        let night = clientOfflineNight(registered: false)
        #expect(night.reconcile(asOf: asOf, state: notified).codeSubjects == ["OFFLINE_SALE_NOT_RECORDED S-2"])
        for state in [StateSnapshot(), notifiedElsewhere, otherPem] {
            #expect(
                night.reconcile(asOf: asOf, state: state).codeSubjects == [
                    "OFFLINE_SALE_NOT_RECORDED S-2", "OFFLINE_PERIOD_NOT_NOTIFIED \(pem) \(clientWindowStart)",
                ])
        }
    }

    // MARK: - Journals

    /// A cash sale with its receipt at 10:00:04 Rome time, an open journal for the day, and optionally the
    /// client window of `clientOfflineNight`.
    private func journalNight(status: String, clientWindow: Bool, apiReceipt: Bool = true) -> NightBuilder {
        var b = clientWindow ? clientOfflineNight(registered: false) : B()
        if apiReceipt {
            b.pos(B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "12.50", payment: "cash"))
            b.issuedReceipt("S-1", "rc-1", local: "2026-11-21T10:00:04", total: "12.50")
        }
        b.acube(journals: [B.journal("2026-11-20", status: "closed"), B.journal("2026-11-21", status: status)])
        return b
    }

    @Test func openJournalOnADayWithAClientWindowAndApiReceipts() throws {
        let r = journalNight(status: "open", clientWindow: true).reconcile(asOf: asOf, state: notified)
        #expect(r.codeSubjects == ["OFFLINE_SALE_NOT_RECORDED S-2", "JOURNAL_NOT_CLOSED \(pem) 2026-11-21"])
        let finding = try #require(r.only(.journalNotClosed))
        #expect(finding.severity == .action)
        #expect(finding.code.action == "close the journal")
        // No API receipt that day: nothing to close yet.
        let noReceipts = journalNight(status: "open", clientWindow: true, apiReceipt: false)
        #expect(noReceipts.reconcile(asOf: asOf, state: notified).codeSubjects == ["OFFLINE_SALE_NOT_RECORDED S-2"])
        // No client window, within 24 h: nothing.
        #expect(journalNight(status: "open", clientWindow: false).reconcile(asOf: asOf).codeSubjects.isEmpty)
    }

    @Test func openJournalMoreThan24HoursAfterItsFirstDocument() {
        let night = journalNight(status: "open", clientWindow: false)
        // The first document is at 09:00:04Z: exactly 24 h later is not more than 24 h.
        #expect(night.reconcile(asOf: "2026-11-22T09:00:04Z").codeSubjects.isEmpty)
        #expect(
            night.reconcile(asOf: "2026-11-22T09:00:05Z").codeSubjects == ["JOURNAL_NOT_CLOSED \(pem) 2026-11-21"])
    }

    @Test func closedJournalIsNeverReported() {
        let night = journalNight(status: "closed", clientWindow: true)
        #expect(
            night.reconcile(asOf: "2026-11-25T00:00:00Z", state: notified).codeSubjects == [
                "OFFLINE_SALE_NOT_RECORDED S-2"
            ])
    }

    // MARK: - Missing A-Cube data, submissions, rejected input

    @Test func pemWithSalesAndNoAcubeData() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            B.issued("S-1", "rc-1", at: "2026-11-21T10:00:04+01:00", total: "5.00"),
            B.sale("S-5", at: "2026-11-21T10:30:00+01:00", total: "6.00", payment: "cash", pem: pem2),
            B.issued("S-5", "rc-5", at: "2026-11-21T10:30:04+01:00", total: "6.00", pem: pem2),
            B.sale("S-6", at: "2026-11-21T10:40:00+01:00", total: "3.00", payment: "ticket", pem: pem2),
            B.issued("S-6", "rc-6", at: "2026-11-21T10:40:04+01:00", total: "3.00", pem: pem2))
        // The PEM with a folder, even an empty one, is checked; the other is not.
        let r = b.reconcile(asOf: asOf)
        #expect(r.codeSubjects == ["RECEIPT_NOT_IN_JOURNAL S-1", "ACUBE_DATA_MISSING \(pem2)"])
        let finding = try #require(r.only(.acubeDataMissing))
        #expect(finding.fiscalDay == nil)
        #expect(finding.severity == .warning)
        #expect(finding.code.action == "fetch A-Cube data")
        #expect(
            finding.detail
                == "2 POS sales for E001-000002 but no acube/E001-000002/ folder: receipts, journals and notifications"
                + " were not checked")
    }

    @Test func rejectedSubmission() throws {
        let b = B()
        let r = b.reconcile(
            asOf: asOf,
            rejectedSubmissions: [PemDay(pem: pem, day: B.day("2026-11-21")): "entries[0].vat_amount: too large"])
        #expect(r.codeSubjects == ["SUBMISSION_REJECTED \(pem) 2026-11-21"])
        let finding = try #require(r.only(.submissionRejected))
        #expect(finding.detail == "A-Cube refused the emergency report: entries[0].vat_amount: too large")
        #expect(finding.severity == .action)
        #expect(finding.code.action == "fix the data")
    }

    @Test func rejectedInputBecomesInputRejected() throws {
        var b = B()
        b.pos(
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            #"{"ts":"2026-11-21T10:00:00+01:00","event":"refund","terminal":"T1","sale":"S-1"}"#,
            "[1,]")
        b.acube(receipts: ["{bad"])
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.orderedCodeSubjects == [
                "INPUT_REJECTED acube/E001-000001/receipts.json:2: bad JSON at line 2, column 2: expected a member"
                    + " name in double quotes; the whole file is skipped",
                "INPUT_REJECTED pos/T1.jsonl:2: unknown event \"refund\": expected one of sale, payment_request,"
                    + " payment_response, receipt_issued, receipt_failed, pos_started",
                "INPUT_REJECTED pos/T1.jsonl:3: bad JSON at column 4: expected a value, found ']'",
                "RECEIPT_MISSING S-1",
            ])
        let rejected = r.findings.filter { $0.code == .inputRejected }
        #expect(rejected.allSatisfy { $0.severity == .warning && $0.code.action == "fix the source" })
        #expect(rejected.allSatisfy { $0.pem == nil && $0.sale == nil })
    }

    // MARK: - Severities, actions, order

    @Test func severitiesAndActionsMatchTheContractTable() {
        let table: [(FindingCode, Severity, String)] = [
            (.paymentInProgress, .action, "recover from Spice"),
            (.paymentRecoveredApproved, .info, "none; the sale counts as paid"),
            (.paymentRecoveredDeclined, .info, "none"),
            (.paymentManualOverride, .warning, "check the terminal; no card receipts exist"),
            (.paymentStillInProgress, .action, "run again later"),
            (.paymentNotFound, .action, "check the terminal's history by hand"),
            (.paymentUnreachable, .action, "run again when Spice is up"),
            (.paymentAmountMismatch, .warning, "check the charge"),
            (.doubleCharge, .critical, "refund the extra charge"),
            (.receiptMissing, .action, "issue the receipt"),
            (.receiptNotInJournal, .action, "check with A-Cube"),
            (.receiptAmountMismatch, .action, "void and reissue"),
            (.receiptForUnpaidSale, .action, "void the receipt"),
            (.orphanReceipt, .warning, "check the POS"),
            (.receiptDuringOffline, .critical, "report to A-Cube"),
            (.offlineSaleNotRecorded, .action, "it is added to the prepared upload"),
            (.offlineRecordUnsubmitted, .action, "submit the prepared upload"),
            (.offlinePeriodNotNotified, .action, "notify A-Cube"),
            (.journalNotClosed, .action, "close the journal"),
            (.communicationIncident, .info, "none"),
            (.platformOffline, .info, "none"),
            (.acubeDataMissing, .warning, "fetch A-Cube data"),
            (.submissionRejected, .action, "fix the data"),
            (
                .submissionUncertain, .critical,
                "check the PEM's reports at A-Cube and record what they cover"
            ),
            (.inputRejected, .warning, "fix the source"),
        ]
        #expect(table.count == FindingCode.allCases.count)
        for (code, severity, action) in table {
            #expect(code.severity == severity, "\(code.rawValue)")
            #expect(code.action == action, "\(code.rawValue)")
        }
    }

    @Test func findingsComeInReportOrderOncePerCodeAndSubject() {
        var b = B()
        b.pos(
            B.sale("S-3", at: "2026-11-21T12:00:00+01:00", total: "20.00"),
            B.request("S-3", "R-3a", at: "2026-11-21T12:00:02+01:00", amount: 2000),
            B.response("S-3", "R-3a", at: "2026-11-21T12:00:20+01:00", success: true),
            B.request("S-3", "R-3b", at: "2026-11-21T12:01:00+01:00", amount: 2500),
            B.response("S-3", "R-3b", at: "2026-11-21T12:01:20+01:00", success: true),
            B.sale("S-9", at: "2026-11-21T23:30:00Z", total: "7.00", payment: "cash"),
            B.sale("S-2", at: "2026-11-21T11:00:00+01:00", total: "5.00", payment: "cash"),
            B.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "30.00"),
            B.request("S-1", "R-1b", at: "2026-11-21T10:00:02+01:00", amount: 3000),
            B.request("S-1", "R-1a", at: "2026-11-21T10:00:05+01:00", amount: 3000))
        // Two receipts of S-3, both with another total at A-Cube: one finding for the sale.
        b.issuedReceipt("S-3", "rc-3a", local: "2026-11-21T12:00:30", total: "20.00", acubeTotal: "19.00")
        b.issuedReceipt("S-3", "rc-3b", local: "2026-11-21T12:01:30", total: "20.00", acubeTotal: "19.00")
        b.pos(
            B.sale("S-1", at: "2026-11-21T09:00:00+01:00", total: "4.00", payment: "cash", terminal: "T2"),
            file: "pos/T2.jsonl")
        b.pos(
            B.sale("S-5", at: "2026-11-21T09:30:00+01:00", total: "6.00", payment: "cash", pem: pem2, terminal: "T3"),
            "{oops", file: "pos/T3.jsonl")
        let r = b.reconcile(asOf: "2026-11-22T06:00:00Z")
        #expect(
            r.orderedCodeSubjects == [
                "INPUT_REJECTED pos/T3.jsonl:2: bad JSON at column 2: expected a member name in double quotes",
                "PAYMENT_IN_PROGRESS R-1a",
                "PAYMENT_IN_PROGRESS R-1b",
                "RECEIPT_MISSING S-2",
                "DOUBLE_CHARGE S-3",
                "PAYMENT_AMOUNT_MISMATCH R-3b",
                "RECEIPT_AMOUNT_MISMATCH S-3",
                "RECEIPT_MISSING S-1",
                "RECEIPT_MISSING S-9",
                "ACUBE_DATA_MISSING \(pem2)",
                "RECEIPT_MISSING S-5",
            ])
        #expect(
            r.findings.map { [$0.pem ?? "", $0.fiscalDay?.description ?? "", $0.terminal ?? ""] } == [
                ["", "", ""],
                [pem, "2026-11-21", "T1"], [pem, "2026-11-21", "T1"], [pem, "2026-11-21", "T1"],
                [pem, "2026-11-21", "T1"], [pem, "2026-11-21", "T1"], [pem, "2026-11-21", "T1"],
                [pem, "2026-11-21", "T2"],
                [pem, "2026-11-22", "T1"],
                [pem2, "", ""],
                [pem2, "2026-11-21", "T3"],
            ])
        #expect(r.openAttempts.map(\.posRefId).sorted() == ["R-1a", "R-1b"])
    }

    // MARK: - Absolute time and DST

    @Test func windowsCompareInAbsoluteTimeWhateverTheOffset() {
        var b = B()
        b.acube(notifications: [
            B.offline("n-1", at: "2026-11-21T19:00:00+01:00"), B.online("n-2", at: "2026-11-21T20:00:00+01:00"),
        ])
        b.pos(
            // 19:30 in Rome: inside, though its text sorts before the window's.
            B.sale("S-1", at: "2026-11-21T18:30:00Z", total: "5.00", payment: "cash"),
            // 20:30 in Rome: outside, though its text sorts inside the window's.
            B.sale("S-2", at: "2026-11-21T19:30:00Z", total: "6.00", payment: "cash"))
        let r = b.reconcile(asOf: asOf)
        #expect(
            r.codeSubjects == [
                "PLATFORM_OFFLINE \(pem) 2026-11-21T18:00:00Z", "OFFLINE_SALE_NOT_RECORDED S-1", "RECEIPT_MISSING S-2",
            ])
    }

    @Test func naiveAcubeTimeInTheRepeatedAutumnHourIsTheEarlierInstant() throws {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z, so 02:30 local happens at 00:30Z and at 01:30Z.
        var b = B(acubeFor: [pem, pem2])
        b.acube(
            pem, receipts: [B.receipt("rv-a", at: "2026-10-25T02:30:00", type: "void")],
            notifications: [B.offline("n-1", at: "2026-10-25T00:00:00Z"), B.online("n-2", at: "2026-10-25T01:00:00Z")])
        b.acube(
            pem2, receipts: [B.receipt("rv-b", at: "2026-10-25T02:30:00", type: "void")],
            notifications: [B.offline("n-3", at: "2026-10-25T01:00:00Z"), B.online("n-4", at: "2026-10-25T02:00:00Z")])
        #expect(b.inputs.acube[pem]?.receipts["rv-a"]?.documentAt == B.instant("2026-10-25T00:30:00Z"))
        let r = b.reconcile(asOf: "2026-10-25T12:00:00Z")
        #expect(
            r.codeSubjects == [
                "PLATFORM_OFFLINE \(pem) 2026-10-25T00:00:00Z", "PLATFORM_OFFLINE \(pem2) 2026-10-25T01:00:00Z",
                "RECEIPT_DURING_OFFLINE rv-a",
            ])
        let finding = try #require(r.only(.receiptDuringOffline))
        #expect(finding.fiscalDay == B.day("2026-10-25"))
        #expect(
            finding.detail
                == "A-Cube void receipt rv-a is dated 2026-10-25T02:30:00+02:00, inside the platform offline window"
                + " from 2026-10-25T02:00:00+02:00")
    }

    @Test func fiscalDayIsTheDateInRome() throws {
        var b = B()
        b.pos(
            B.sale("S-8", at: "2026-11-21T22:59:59Z", total: "5.00", payment: "cash"),
            B.sale("S-9", at: "2026-11-21T23:30:00Z", total: "7.00", payment: "cash"))
        let r = b.reconcile(asOf: "2026-11-22T06:00:00Z")
        #expect(r.codeSubjects == ["RECEIPT_MISSING S-8", "RECEIPT_MISSING S-9"])
        #expect(r.findings.first { $0.sale == "S-8" }?.fiscalDay == B.day("2026-11-21"))
        #expect(r.findings.first { $0.sale == "S-9" }?.fiscalDay == B.day("2026-11-22"))
    }
}
