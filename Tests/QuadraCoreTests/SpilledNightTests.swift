import Foundation
import QuadraGenerator
import QuadraTestSupport
import Testing

@testable import QuadraCore

/// A night read by `NightReader` is spilled by sale into partitions and judged partition by partition on several
/// threads. However it is cut, the reconciliation must be the one of the whole night held in memory.
@Suite struct SpilledNightTests {
    static func reconcile(_ inputs: NightInputs, workers: Int) throws -> Reconciliation {
        let asOf = try #require(TimestampParser.parseAbsolute(NightGenerator.asOf))
        return try Reconciler.reconcile(
            inputs, context: ReconcileContext(asOf: asOf, timeZone: .rome), workers: workers)
    }

    static func read(_ directory: URL, partitionBytes: Int, workers: Int) throws -> NightInputs {
        var reader = NightReader(timeZone: .rome, registerXML: nil)
        reader.partitionBytes = partitionBytes
        reader.workers = workers
        return try reader.read(directory: directory)
    }

    @Test(arguments: [UInt64(3), 11])
    func partitionsAndThreadsDoNotChangeTheResult(seed: UInt64) throws {
        let (directory, _) = try GeneratedNight.write(seed: seed, sales: 3000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Self.read(directory, partitionBytes: .max, workers: 1)
        #expect(whole.spilled?.partitionCount == 1)
        let cut = try Self.read(directory, partitionBytes: 16 << 10, workers: 2)
        let partitions = try #require(cut.spilled?.partitionCount)
        #expect(partitions > 20, "the night is cut into many partitions")
        #expect(cut.files == whole.files, "the same records read and rejected per file")
        #expect(cut.diagnostics == whole.diagnostics)

        #expect(try whole.materializedLedger().sales.count > 2500)

        // One partition on one thread is the reference: more partitions and threads give the same night.
        let reference = try Self.reconcile(whole, workers: 1)
        for (inputs, workers) in [(whole, 2), (cut, 1), (cut, 2)] {
            let result = try Self.reconcile(inputs, workers: workers)
            #expect(result.findings == reference.findings)
            #expect(result.uploads == reference.uploads)
            #expect(result.openAttempts == reference.openAttempts)
            #expect(result.dayStats == reference.dayStats)
            #expect(result.clientWindows == reference.clientWindows)
            #expect(result.inputFiles == reference.inputFiles)
        }
        #expect(reference.findings.count > 100)
    }

    /// Sales are gathered by a 64-bit hash of (terminal, sale); when hashes collide, the bytes tell sales apart.
    /// With every hash the same, each partition is one big collision: the sales, their records' order and the
    /// conflicts found must be those of the real hash.
    @Test func collidingHashesKeepSalesApart() throws {
        let (directory, _) = try GeneratedNight.write(seed: 13, sales: 800)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = try Self.read(directory, partitionBytes: 64 << 10, workers: 2)
        let spilled = try #require(inputs.spilled)
        #expect(spilled.partitionCount > 3)
        func walk(_ hash: KeyHash) throws -> (sales: [SaleRecord], conflicts: [String]) {
            var sales: [SaleRecord] = []
            var conflicts: [String] = []
            for partition in 0..<spilled.partitionCount {
                try spilled.forEachSale(partition: partition, keyHash: hash) {
                    conflicts.append("\($0.location): \($0.message)")
                } _: {
                    sales.append(contentsOf: $0)
                }
            }
            sales.sort { ($0.terminal, $0.saleId) < ($1.terminal, $1.saleId) }
            return (sales, conflicts.sorted())
        }
        let real = try walk(SpillDecoder.keyHash)
        let colliding = try walk { _, _, _ in 42 }
        #expect(real.sales.count > 700)
        #expect(Set(real.sales.map { SaleKey(terminal: $0.terminal, sale: $0.saleId) }).count == real.sales.count)
        #expect(colliding.sales == real.sales)
        #expect(colliding.conflicts == real.conflicts)
        // And both are what the ledger makes of every record read in order.
        let ledger = try inputs.materializedLedger()
        #expect(real.sales == ledger.sales.keys.sorted().compactMap { ledger.sales[$0] })
    }

    @Test func aConflictInASpilledNightIsRejectedOnceWithTheEarlierLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-spill-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("pos"), withIntermediateDirectories: true)
        let sale =
            #"{"ts":"2026-11-21T10:00:00+01:00","event":"sale","terminal":"A","sale":"1","pem":"E1","total":"5.00","payment":"cash","lines":[{"vat":"22.00","gross":"5.00"}]}"#
        let other = sale.replacingOccurrences(of: "5.00", with: "6.00")
        try (sale + "\n").write(to: directory.appendingPathComponent("pos/a.jsonl"), atomically: true, encoding: .utf8)
        try (sale + "\n" + other + "\n").write(
            to: directory.appendingPathComponent("pos/b.jsonl"), atomically: true, encoding: .utf8)
        let inputs = try Self.read(directory, partitionBytes: 1, workers: 2)
        #expect(inputs.diagnostics.isEmpty, "conflicts are found while reconciling")
        let result = try Self.reconcile(inputs, workers: 2)
        #expect(
            result.findings.filter { $0.code == .inputRejected }.map(\.detail) == [
                "pos/b.jsonl:2: conflicting sale 1 on terminal A: a different one was already read at pos/a.jsonl:1;"
                    + " this line is ignored"
            ])
        #expect(result.inputFiles.map(\.recordsRejected) == [0, 1])
        let ledger = try inputs.materializedLedger()
        #expect(ledger.sales[SaleKey(terminal: "A", sale: "1")]?.sale?.total == Money(cents: 500))
    }

    @Test func aConflictingReceiptThatMovedAWindowIsJudgedWithTheWindowThatStands() throws {
        // The failure opens a client window at 10:00; the receipt at 10:05 closes it. A second receipt_issued
        // of the same uuid with another time (10:02) conflicts and is rejected: it must not close the window.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-spill-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("pos"), withIntermediateDirectories: true)
        let lines = [
            #"{"ts":"2026-11-21T10:00:00+01:00","event":"receipt_failed","terminal":"A","sale":"1","pem":"E1","reason":"timeout"}"#,
            #"{"ts":"2026-11-21T10:03:00+01:00","event":"sale","terminal":"A","sale":"2","pem":"E1","total":"5.00","payment":"cash","lines":[{"vat":"22.00","gross":"5.00"}]}"#,
            #"{"ts":"2026-11-21T10:05:00+01:00","event":"receipt_issued","terminal":"A","sale":"3","pem":"E1","receiptUuid":"u-3","documentNumber":"3","total":"5.00"}"#,
            #"{"ts":"2026-11-21T10:02:00+01:00","event":"receipt_issued","terminal":"A","sale":"3","pem":"E1","receiptUuid":"u-3","documentNumber":"3","total":"5.00"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("pos/a.jsonl"), atomically: true, encoding: .utf8)
        let inputs = try Self.read(directory, partitionBytes: 1, workers: 2)
        let result = try Self.reconcile(inputs, workers: 2)
        #expect(result.clientWindows.map(\.end) == [TimestampParser.parseAbsolute("2026-11-21T10:05:00+01:00")])
        let codes = result.findings.filter { $0.sale == "2" }.map(\.code)
        #expect(codes == [.offlineSaleNotRecorded], "sale 2 at 10:03 is inside the window that stands")
        #expect(result.findings.filter { $0.code == .inputRejected }.count == 1)
    }

    @Test func anUnwritableSpillFolderStopsTheRunWithAMessageThatSaysWhatToDo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-spill-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("pos"), withIntermediateDirectories: true)
        try "\n".write(to: directory.appendingPathComponent("pos/a.jsonl"), atomically: true, encoding: .utf8)
        var reader = NightReader(timeZone: .rome, registerXML: nil)
        reader.spillDirectory = directory.appendingPathComponent("missing")
        #expect {
            try reader.read(directory: directory)
        } throws: { error in
            let message = (error as? NightReadError)?.message ?? ""
            return message.contains("missing: cannot create a temporary file to spill the POS records")
                && message.contains("set TMPDIR")
        }
    }

    @Test func spillFilesLeaveNothingBehind() throws {
        let (directory, _) = try GeneratedNight.write(seed: 5, sales: 500)
        defer { try? FileManager.default.removeItem(at: directory) }
        let spill = directory.appendingPathComponent("spill")
        try FileManager.default.createDirectory(at: spill, withIntermediateDirectories: true)
        var reader = NightReader(timeZone: .rome, registerXML: nil)
        reader.spillDirectory = spill
        reader.partitionBytes = 4096
        let inputs = try reader.read(directory: directory)
        #expect((inputs.spilled?.spilledBytes ?? 0) > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spill.path).isEmpty, "unlinked at once")
    }
}
