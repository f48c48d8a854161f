import Testing

@testable import QuadraCore

@Suite struct SpiceResponseClassifierTests {
    func classify(_ body: String, status: Int = 200, kind: AttemptKind = .purchase) -> SpiceAnswer {
        SpiceResponseClassifier.classify(status: status, body: Array(body.utf8), kind: kind)
    }

    @Test func approvedWithLenientNumbersAndFlags() {
        let answer = classify(
            #"{"Response":{"pos_ref_id":"r1","success":"true","purchase_amount":"1250","user_override":"false","host_response_text":"APPROVED","brand_new_key":1}}"#
        )
        #expect(
            answer
                == .approved(
                    RecoveredResponse(amount: Money(cents: 1250), userOverride: false, hostResponseText: "APPROVED")))
        #expect(answer.isFinal)
    }

    @Test func declinedAndOverride() {
        #expect(
            classify(#"{"Response":{"success":false,"purchase_amount":900,"user_override":true}}"#)
                == .declined(RecoveredResponse(amount: Money(cents: 900), userOverride: true, hostResponseText: nil)))
    }

    @Test func theAmountKeyFollowsTheKind() {
        let body = #"{"Response":{"success":true,"purchase_amount":100,"refund_amount":200,"cash_amount":300}}"#
        func amount(_ kind: AttemptKind) -> Money? {
            if case .approved(let r) = classify(body, kind: kind) { return r.amount }
            return nil
        }
        #expect(amount(.purchase) == Money(cents: 100))
        #expect(amount(.moto) == Money(cents: 100))
        #expect(amount(.refund) == Money(cents: 200))
        #expect(amount(.cashout) == Money(cents: 300))
    }

    @Test(arguments: [
        "TRANSACTION_IN_PROGRESS", "TRANSACTION_IN_PROGRESS_AWAITING_SIGNATURE",
        "TRANSACTION_IN_PROGRESS_AWAITING_PHONE_AUTH_CODE", "OPERATION_IN_PROGRESS",
    ])
    func runningReasons(reason: String) {
        #expect(
            classify(#"{"Response":{"success":false,"error_reason":"\#(reason)"}}"#)
                == .running(reason: "Spice reports \(reason)"))
    }

    @Test func runningWithoutSuccessOrWithASignatureRequest() {
        #expect(
            classify(#"{"Response":{"pos_ref_id":"r1"}}"#) == .running(reason: "Spice's response has no result yet"))
        #expect(
            classify(#"{"signatureRequired":{"receiptToSign":"..."}}"#)
                == .running(reason: "the terminal is waiting for the customer's signature"))
    }

    @Test func notFoundByReasonOr404() {
        #expect(
            classify(#"{"Response":{"success":false,"error_reason":"POS_REF_ID_NOT_FOUND"}}"#)
                == .notFound(reason: "Spice reports POS_REF_ID_NOT_FOUND"))
        #expect(classify("", status: 404) == .notFound(reason: "Spice answered 404 Not Found"))
    }

    @Test func serverErrorsAndGarbageAreRetried() {
        #expect(classify("oops", status: 503) == .retry(reason: "Spice answered HTTP 503"))
        #expect(
            classify("{\"Response\":", status: 200)
                == .retry(reason: "Spice answered 200 with a body that is not a JSON object"))
        #expect(!classify("", status: 500).isFinal)
    }
}
