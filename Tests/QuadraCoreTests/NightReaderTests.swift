import Foundation
import Testing

@testable import QuadraCore

/// Stage 1 over fixture nights: every bad line, row or file becomes one diagnostic, the rest is still read.
@Suite struct NightReaderTests {
    static let nights = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/nights")

    func read(_ name: String) throws -> NightInputs {
        try NightReader(timeZone: .rome, registerXML: nil).read(directory: Self.nights.appendingPathComponent(name))
    }

    @Test func readsPlainAndGzipLogsAcrossFilesCountingARepeatOnce() throws {
        let inputs = try read("valid-mixed")
        #expect(inputs.diagnostics.isEmpty, "\(inputs.diagnostics)")
        #expect(try inputs.materializedLedger().sales.count == 2)
        let first = try #require(try inputs.materializedLedger().sales[SaleKey(terminal: "A", sale: "1")])
        #expect(first.receipts.count == 1, "the receipt_issued repeated in the rotated .gz counts once")
        #expect(first.receipts.first?.event.receiptUuid == "u-1")
        #expect(first.receipts.first?.event.documentNumber == "7")
        let second = try #require(try inputs.materializedLedger().sales[SaleKey(terminal: "A", sale: "2")])
        #expect(second.sale?.payment == .ticket)
        #expect(second.sale?.lines == [VatAmount(vat: try #require(VatCode("N2")), gross: Money(cents: 700))])
        #expect(inputs.files.map(\.path) == ["acube/E9-1/receipts.json", "pos/a-1.jsonl", "pos/a-2.jsonl.gz"])
        #expect(inputs.files.map(\.recordsRead) == [1, 2, 2], "blank lines are not records")
        let gz = try #require(inputs.files.first { $0.path == "pos/a-2.jsonl.gz" })
        let raw = try Data(contentsOf: Self.nights.appendingPathComponent("valid-mixed/pos/a-2.jsonl.gz"))
        #expect(gz.sha256 == SHA256.hexDigest(of: Array(raw)), "the hash is of the file as stored")
        #expect(inputs.acube["E9-1"]?.receipts["u-1"]?.totalAmount == Money(cents: 500))
    }

    @Test func eachBadLineIsRejectedAloneWithFileAndLine() throws {
        let inputs = try read("invalid-pos")
        // A line that conflicts with one read before it is found when the sales are reconciled.
        let result = try Reconciler.reconcile(
            inputs, context: ReconcileContext(asOf: Instant(seconds: 1_800_000_000), timeZone: .rome))
        let bad = result.findings.filter { $0.code == .inputRejected && $0.detail.hasPrefix("pos/bad-lines.jsonl:") }
            .map { String($0.detail.dropFirst("pos/bad-lines.jsonl:".count)) }
        #expect(
            bad == [
                "2: bad JSON at column 83: a string is not valid UTF-8",
                "3: bad JSON at column 64: the text ends inside an object",
                "4: expected a JSON object, found an array",
                "5: bad \"ts\": expected an RFC 3339 timestamp with an offset, found \"2026-11-21T10:03:00\"",
                "6: bad \"amount\": expected a whole number of cents, found a string \"500\"",
                "7: conflicting sale 1 on terminal A: a different one was already read at pos/bad-lines.jsonl:1; this line is ignored",
                "8: bad \"reason\": expected one of unreachable, timeout, offline, http_5xx, rejected, found \"meteor\"",
            ])
        let sale = try #require(try inputs.materializedLedger().sales[SaleKey(terminal: "A", sale: "1")])
        #expect(sale.sale?.total == Money(cents: 500), "the first sale event stands")
        let record = try #require(result.inputFiles.first { $0.path == "pos/bad-lines.jsonl" })
        #expect(record.recordsRead == 8)
        #expect(record.recordsRejected == 7)
        #expect(inputs.files.first { $0.path == "pos/bad-lines.jsonl" }?.recordsRejected == 6, "before reconciling")
    }

    /// A key named twice in a POS line rejects that line alone, on the fast path the night reader takes first and on
    /// the strict one (line 5 has UTF-8, which only the strict path reads): the last value used to win silently.
    @Test func aRepeatedKeyRejectsTheLineWithFileLineAndKey() throws {
        let inputs = try read("invalid-pos")
        let messages = inputs.diagnostics.filter { $0.location.file == "pos/repeated-keys.jsonl" }.map(\.description)
        #expect(
            messages == [
                #"pos/repeated-keys.jsonl:2: bad JSON at column 162: the key "event" appears twice in one object: expected each key once"#,
                #"pos/repeated-keys.jsonl:3: bad JSON at column 83: the key "note" appears twice in one object: expected each key once"#,
                #"pos/repeated-keys.jsonl:4: bad JSON at column 160: the key "gross" appears twice in one object: expected each key once"#,
                #"pos/repeated-keys.jsonl:5: bad JSON at column 134: the key "sale" appears twice in one object: expected each key once"#,
            ])
        let record = try #require(inputs.files.first { $0.path == "pos/repeated-keys.jsonl" })
        #expect(record.recordsRead == 6)
        #expect(record.recordsRejected == 4)
        let ledger = try inputs.materializedLedger()
        let sales = ledger.sales.keys.filter { $0.terminal == "R" }.map(\.sale).sorted()
        #expect(sales == ["1"], "the sale of line 1 and the receipt failure of line 6, nothing of the rejected lines")
        #expect(ledger.sales[SaleKey(terminal: "R", sale: "1")]?.failures.map(\.reason) == [.offline])
    }

    /// A-Cube files with a key named twice are bad JSON: the whole file is skipped, with its line and the key, on the
    /// receipts pages' fast path and on the tree path of the other lists.
    @Test func aRepeatedKeyInAnAcubeFileSkipsTheFile() throws {
        let night = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-dup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: night) }
        let folder = night.appendingPathComponent("acube/E9-1")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let receipt =
            #"{"uuid":"0b7e1c1a-0001-4000-8000-000000000001","type":"sale","total_amount":"5.00","document_number":"1","document_datetime":"2026-11-21T10:00:00","parent_receipt_uuid":null}"#
        let pages = [
            "receipts-1.json": "{\"members\":[\n\(receipt)\n],\"total\":1,\"page\":1,\"size\":100}\n",
            "receipts-2.json": "{\"members\":[\n\(receipt.dropLast()),\"total_amount\":\"50.00\"}\n]}\n",
            "journals-1.json": #"{"members":[{"uuid":"j","status":"open","status":"closed"}]}"#,
        ]
        for (name, text) in pages { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        let inputs = try NightReader(timeZone: .rome, registerXML: nil).read(directory: night)
        #expect(
            inputs.diagnostics.map(\.description) == [
                #"acube/E9-1/journals-1.json:1: bad JSON at line 1, column 41: the key "status" appears twice in one object: expected each key once; the whole file is skipped"#,
                "acube/E9-1/receipts-2.json:2: bad JSON at line 2, column \(receipt.utf8.count + 1): the key "
                    + #""total_amount" appears twice in one object: expected each key once; the whole file is skipped"#,
            ])
        #expect(inputs.acube["E9-1"]?.receipts.count == 1)
        #expect(
            inputs.acube["E9-1"]?.receipts["0b7e1c1a-0001-4000-8000-000000000001"]?.totalAmount == Money(cents: 500))
        #expect(
            inputs.files.filter { $0.recordsRejected > 0 }.map(\.path) == [
                "acube/E9-1/journals-1.json", "acube/E9-1/receipts-2.json",
            ])
    }

    @Test func aTruncatedGzipKeepsTheLinesBeforeTheDamage() throws {
        let inputs = try read("invalid-pos")
        let truncated = inputs.diagnostics.filter { $0.location.file == "pos/truncated.jsonl.gz" }
        #expect(truncated.count == 1)
        #expect(truncated.first?.message.hasPrefix("truncated gzip stream") == true)
        let salesOfB = try inputs.materializedLedger().sales.keys.filter { $0.terminal == "B" }
        #expect(salesOfB.count > 10 && salesOfB.count < 400, "the lines before the damage were read")
        let record = try #require(inputs.files.first { $0.path == "pos/truncated.jsonl.gz" })
        #expect(record.recordsRead == salesOfB.count)
        #expect(record.recordsRejected == 1)
    }

    @Test func aBadAcubeMemberIsRejectedAloneAndABrokenPageWhole() throws {
        let inputs = try read("invalid-acube")
        let messages = inputs.diagnostics.map(\.description)
        #expect(
            messages == [
                "acube/E9-1/journals.json:1: bad JSON at line 1, column 24: the text ends inside an object; the whole file is skipped",
                "acube/E9-1/receipts.json:3: bad \"type\": expected sale, return or void, found \"refund\"",
                "acube/E9-1/receipts.json:4: missing required key \"uuid\"",
            ])
        #expect(inputs.acube["E9-1"]?.receipts.keys.sorted() == ["u-1"])
        #expect(inputs.files.first { $0.path == "acube/E9-1/journals.json" }?.recordsRejected == 1)
    }

    /// A night whose one POS log, gzipped, holds `lines`.
    static func gzippedNight(_ lines: [[UInt8]]) throws -> URL {
        let night = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-long-\(UUID().uuidString)")
        let pos = night.appendingPathComponent("pos")
        try FileManager.default.createDirectory(at: pos, withIntermediateDirectories: true)
        let plain = pos.appendingPathComponent("t.jsonl")
        var text = Data()
        for line in lines {
            text.append(contentsOf: line)
            text.append(0x0A)
        }
        try text.write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -n '\(plain.path)'"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return night
    }

    static let goodLine = Array(
        #"{"ts":"2026-11-21T11:00:00+01:00","event":"pos_started","terminal":"L"}"#.utf8)

    /// A decompressed line longer than the limit is rejected with its file and line, without being gathered; the rest
    /// of the file is read. (One 2.5 GB line used to take 5.3 GB.)
    @Test func aDecompressedLineOverTheDefaultLimitIsRejectedAndTheRestRead() throws {
        let long = Array(#"{"ts":""#.utf8) + [UInt8](repeating: UInt8(ascii: "9"), count: 17 << 20) + Array(#""}"#.utf8)
        let night = try Self.gzippedNight([Self.goodLine, long, Self.goodLine])
        defer { try? FileManager.default.removeItem(at: night) }
        let inputs = try NightReader(timeZone: .rome, registerXML: nil).read(directory: night)
        #expect(
            inputs.diagnostics.map(\.description) == [
                "pos/t.jsonl.gz:2: the line is too long: expected at most 16777216 bytes, found \(long.count); it was "
                    + "skipped (quadra run --max-line-mb raises the limit)"
            ])
        #expect(inputs.files.map(\.recordsRead) == [3])
        #expect(inputs.files.map(\.recordsRejected) == [1])
    }

    @Test func theLineLimitIsASetting() throws {
        let sale = Array(
            #"{"ts":"2026-11-21T10:00:00+01:00","event":"sale","terminal":"L","sale":"1","pem":"E9-1","total":"5.00","payment":"cash","lines":[{"vat":"22.00","gross":"5.00"}]}"#
                .utf8)
        let night = try Self.gzippedNight([Self.goodLine, sale, Self.goodLine, sale])
        defer { try? FileManager.default.removeItem(at: night) }
        var reader = NightReader(timeZone: .rome, registerXML: nil)
        reader.maximumLineBytes = sale.count - 1
        let inputs = try reader.read(directory: night)
        let message =
            "the line is too long: expected at most \(sale.count - 1) bytes, found \(sale.count); it was skipped "
            + "(quadra run --max-line-mb raises the limit)"
        #expect(
            inputs.diagnostics.map(\.description) == ["pos/t.jsonl.gz:2: " + message, "pos/t.jsonl.gz:4: " + message])
        #expect(try inputs.materializedLedger().sales.isEmpty)
        reader.maximumLineBytes = sale.count
        #expect(try reader.read(directory: night).diagnostics.isEmpty)
    }

    @Test func aMissingNightIsAnOperationalError() {
        #expect(throws: NightReadError.self) {
            try NightReader(timeZone: .rome, registerXML: nil).read(directory: URL(fileURLWithPath: "/nonexistent"))
        }
    }

    @Test func aMissingPartIsNotAnError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let inputs = try NightReader(timeZone: .rome, registerXML: nil).read(directory: empty)
        #expect(inputs.files.isEmpty && inputs.diagnostics.isEmpty && inputs.acube.isEmpty)
    }
}
