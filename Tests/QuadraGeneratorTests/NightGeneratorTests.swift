import Foundation
import QuadraGenerator
import QuadraTestSupport
import Testing

@testable import QuadraCore

/// The generator plants known findings; reading and reconciling its night must find exactly those.
@Suite struct NightGeneratorTests {
    @Test(arguments: [UInt64(1), 7, 42])
    func theReconciliationFindsExactlyWhatWasPlanted(seed: UInt64) throws {
        let (directory, expected) = try GeneratedNight.write(seed: seed)
        let inputs = try NightReader(timeZone: .rome, registerXML: nil).read(directory: directory)
        // XML registers need libxml2 (another module): count only what this reader can see.
        let xmlEntries = try FileManager.default.contentsOfDirectory(
            atPath: directory.appendingPathComponent("emergency").path
        )
        .filter { $0.hasSuffix(".xml") }
        let asOf = try #require(TimestampParser.parseAbsolute(NightGenerator.asOf))
        let result = try Reconciler.reconcile(inputs, context: ReconcileContext(asOf: asOf, timeZone: .rome))
        var found: [FindingCode: Int] = [:]
        for finding in result.findings { found[finding.code, default: 0] += 1 }
        // Without XML support here, each XML register is one rejected file and its sales are "not recorded".
        var adjusted = expected
        if !xmlEntries.isEmpty {
            let xmlSales = result.findings.filter { $0.code == .inputRejected && $0.detail.contains(".xml") }.count
            #expect(xmlSales == xmlEntries.count)
            adjusted[.inputRejected, default: 0] += xmlEntries.count
            let moved = (found[.offlineSaleNotRecorded] ?? 0) - (expected[.offlineSaleNotRecorded] ?? 0)
            adjusted[.offlineSaleNotRecorded, default: 0] += moved
            adjusted[.offlineRecordUnsubmitted, default: 0] -= moved
        }
        #expect(found == adjusted.filter { $0.value != 0 }, "seed \(seed)")
        for code: FindingCode in [
            .paymentInProgress, .doubleCharge, .offlineRecordUnsubmitted, .orphanReceipt, .inputRejected,
        ] {
            #expect((expected[code] ?? 0) > 0, "the night exercises \(code)")
        }
    }

    @Test func theSameSeedGivesTheSameBytes() throws {
        let (first, _) = try GeneratedNight.write(seed: 9, sales: 600)
        let (second, _) = try GeneratedNight.write(seed: 9, sales: 600)
        let files = try FileManager.default.subpathsOfDirectory(atPath: first.path).sorted()
        #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: second.path).sorted()))
        for file in files {
            let a = FileManager.default.contents(atPath: first.appendingPathComponent(file).path)
            let b = FileManager.default.contents(atPath: second.appendingPathComponent(file).path)
            #expect(a == b, "\(file)")
        }
    }
}
