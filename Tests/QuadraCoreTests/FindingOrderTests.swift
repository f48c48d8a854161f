import QuadraGenerator
import Testing

@testable import QuadraCore

/// `deduplicatedInReportOrder` sorts positions by the ranks of each finding's attributes and keeps the first
/// finding of each identity. It must give exactly what the plain definition gives: the first finding of each
/// (code, subject) in list order, then sorted in report order.
@Suite struct FindingOrderTests {
    /// Findings drawn from small alphabets, so identities repeat often; attributes are sometimes absent, sometimes
    /// empty, and the detail tells copies apart.
    static func findings(count: Int, seed: UInt64) -> [Finding] {
        var random = SplitMix64(seed: seed)
        func pick(_ values: [String?]) -> String? { values[Int(random.next() % UInt64(values.count))] }
        let codes: [FindingCode] = [.receiptMissing, .paymentInProgress, .orphanReceipt, .inputRejected]
        return (0..<count).map { index in
            Finding(
                code: codes[Int(random.next() % UInt64(codes.count))], pem: pick([nil, "", "E1", "E2", "E10"]),
                fiscalDay: random.chance(0.2)
                    ? nil : FiscalDay(daysSinceEpoch: 20_000 + Int(random.next() % 3)),
                terminal: pick([nil, "T1", "T2"]), sale: pick([nil, "1", "2", "10", "Zürich"]),
                posRefId: pick([nil, "r1"]), amount: Money(cents: Int64(random.next() % 500)),
                detail: "copy \(index)", subjectRest: random.chance(0.3) ? ["a", pick(["1", "2"]) ?? ""] : [])
        }
    }

    /// A finding's identity as a hashable value: one finding per code and subject.
    struct Identity: Hashable {
        var code: FindingCode
        var pem: String?
        var fiscalDay: FiscalDay?
        var terminal: String?
        var sale: String?
        var subjectRest: [String]

        init(_ finding: Finding) {
            (code, pem, fiscalDay, terminal, sale, subjectRest) = (
                finding.code, finding.pem, finding.fiscalDay, finding.terminal, finding.sale, finding.subjectRest
            )
        }
    }

    /// The definition: first of each identity in list order, then the report order.
    static func reference(_ findings: [Finding]) -> [Finding] {
        var seen = Set<Identity>()
        return findings.filter { seen.insert(Identity($0)).inserted }.sorted(by: Finding.reportOrder)
    }

    @Test(arguments: [(UInt64(1), 300), (2, 20_000), (3, 50_000)])
    func deduplicationKeepsTheFirstOfEachIdentityInReportOrder(seed: UInt64, count: Int) {
        let findings = Self.findings(count: count, seed: seed)
        let expected = Self.reference(findings)
        #expect(expected.count < findings.count, "identities repeat")
        #expect(findings.deduplicatedInReportOrder() == expected)
        #expect(findings.reversed().deduplicatedInReportOrder() == Self.reference(findings.reversed()))
        #expect(expected.isUniqueInReportOrder)
        #expect(!findings.isUniqueInReportOrder)
        // A list already unique and in order comes back as it is.
        #expect(expected.deduplicatedInReportOrder() == expected)
    }

    @Test func anAbsentAttributeSortsBeforeAnEmptyOne() {
        let absent = Finding(code: .receiptMissing, pem: nil, detail: "absent")
        let empty = Finding(code: .receiptMissing, pem: "", detail: "empty")
        #expect(Finding.reportOrder(absent, empty))
        #expect(!Finding.reportOrder(empty, absent))
        #expect([empty, absent].deduplicatedInReportOrder() == [absent, empty], "two identities, both kept")
    }
}
