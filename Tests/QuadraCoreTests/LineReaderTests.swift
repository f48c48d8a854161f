import Foundation
import Testing

@testable import QuadraCore

@Suite struct LineReaderTests {
    // MARK: - Helpers

    private static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/pos")

    private static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// Reads every line as text, with its number.
    private static func lines(
        of url: URL, gzip: Bool? = nil, chunkSize: Int = 1 << 20
    ) throws -> (lines: [(Int, String)], summary: LineReadSummary) {
        var lines: [(Int, String)] = []
        let summary = try LineReader.forEachLine(url: url, gzip: gzip, chunkSize: chunkSize) { number, line in
            lines.append((number, String(decoding: line, as: UTF8.self)))
        }
        return (lines, summary)
    }

    private static func texts(_ lines: [(Int, String)]) -> [String] { lines.map(\.1) }

    private static func numbers(_ lines: [(Int, String)]) -> [Int] { lines.map(\.0) }

    /// The lines of night.jsonl, read independently of LineReader.
    private static func nightLines() throws -> [String] {
        let text = try String(contentsOf: fixture("valid/night.jsonl"), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("quadra-linereader-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url
    }

    private static func rawBytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    // MARK: - Plain files

    @Test func plainFile() throws {
        let url = Self.fixture("valid/night.jsonl")
        let (lines, summary) = try Self.lines(of: url)
        let expected = try Self.nightLines()
        #expect(expected.count == 41)
        #expect(Self.texts(lines) == expected)
        #expect(Self.numbers(lines) == Array(1...41))
        #expect(summary.lines == 41)
        #expect(summary.bytes == 7715)
        #expect(summary.truncation == nil)
        #expect(summary.sha256 == SHA256.hexDigest(of: try Self.rawBytes(url)))
    }

    @Test func crlfLinesLoseTheirCR() throws {
        let (lines, summary) = try Self.lines(of: Self.fixture("valid/crlf.jsonl"))
        #expect(Self.texts(lines) == Array(try Self.nightLines().prefix(5)))
        #expect(lines.allSatisfy { !$0.1.contains("\r") })
        #expect(summary.lines == 5)
    }

    @Test func lastLineWithoutNewlineIsDelivered() throws {
        let (lines, summary) = try Self.lines(of: Self.fixture("valid/no-final-newline.jsonl"))
        #expect(Self.texts(lines) == Array(try Self.nightLines().prefix(3)))
        #expect(summary.lines == 3)
        #expect(summary.bytes == 444)
    }

    @Test func emptyFile() throws {
        let url = Self.fixture("valid/empty.jsonl")
        let (lines, summary) = try Self.lines(of: url)
        #expect(lines.isEmpty)
        #expect(summary == LineReadSummary(sha256: SHA256.hexDigest(of: []), bytes: 0, lines: 0))
        #expect(summary.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func blankLinesAndPhysicalNumbering() throws {
        let url = try Self.temporaryFile(Array("a\n\n\r\nb\r\n\nc".utf8), suffix: ".jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let (lines, summary) = try Self.lines(of: url)
        #expect(Self.texts(lines) == ["a", "", "", "b", "", "c"])
        #expect(Self.numbers(lines) == [1, 2, 3, 4, 5, 6])
        #expect(summary.lines == 6)
    }

    @Test func onlyTheCRBeforeTheNewlineIsStripped() throws {
        let url = try Self.temporaryFile(Array("x\ry\r\r\nz\r".utf8), suffix: ".txt")
        defer { try? FileManager.default.removeItem(at: url) }
        let (lines, _) = try Self.lines(of: url)
        #expect(Self.texts(lines) == ["x\ry\r", "z"])
    }

    @Test(arguments: [1, 2, 3, 7, 64, 100, 4096])
    func linesAcrossChunkBoundaries(chunkSize: Int) throws {
        let url = Self.fixture("valid/night.jsonl")
        let (lines, summary) = try Self.lines(of: url, chunkSize: chunkSize)
        #expect(Self.texts(lines) == (try Self.nightLines()))
        #expect(summary.sha256 == SHA256.hexDigest(of: try Self.rawBytes(url)))
        #expect(summary.bytes == 7715)
    }

    @Test func gzipFlagOverridesTheSuffix() throws {
        // A gzip file without .gz in its name, read with gzip: true; and a plain file named .gz read as plain.
        let gz = try Self.rawBytes(Self.fixture("valid/night.jsonl.gz"))
        let hidden = try Self.temporaryFile(gz, suffix: ".log")
        defer { try? FileManager.default.removeItem(at: hidden) }
        #expect(Self.texts(try Self.lines(of: hidden, gzip: true).lines) == (try Self.nightLines()))

        let plain = try Self.temporaryFile(Array("one\ntwo\n".utf8), suffix: ".gz")
        defer { try? FileManager.default.removeItem(at: plain) }
        #expect(Self.texts(try Self.lines(of: plain, gzip: false).lines) == ["one", "two"])
    }

    // MARK: - Gzip

    @Test(arguments: [1 << 20, 1, 5, 100, 333])
    func gzipFile(chunkSize: Int) throws {
        let url = Self.fixture("valid/night.jsonl.gz")
        let (lines, summary) = try Self.lines(of: url, chunkSize: chunkSize)
        #expect(Self.texts(lines) == (try Self.nightLines()))
        #expect(summary.lines == 41)
        #expect(summary.truncation == nil)
        // The hash and size are those of the compressed bytes on disk.
        let raw = try Self.rawBytes(url)
        #expect(summary.bytes == Int64(raw.count))
        #expect(summary.sha256 == SHA256.hexDigest(of: raw))
    }

    @Test(arguments: [1 << 20, 1, 7, 64])
    func multiMemberGzip(chunkSize: Int) throws {
        // Two members, cut in the middle of a line: the line continues across the member boundary.
        let (lines, summary) = try Self.lines(of: Self.fixture("valid/multi-member.jsonl.gz"), chunkSize: chunkSize)
        #expect(Self.texts(lines) == (try Self.nightLines()))
        #expect(summary.truncation == nil)
    }

    @Test func truncatedGzipFixture() throws {
        let (lines, summary) = try Self.lines(of: Self.fixture("invalid/truncated.jsonl.gz"))
        let expected = try Self.nightLines()
        #expect(!lines.isEmpty && lines.count < expected.count)
        #expect(Self.texts(lines) == Array(expected.prefix(lines.count)))
        #expect(summary.lines == lines.count)
        #expect(
            summary.truncation
                == "truncated gzip stream: the file ends inside compressed data after line \(lines.count)")
    }

    @Test func everyCutOfARealGzipIsTruncatedNeverThrown() throws {
        let whole = try Self.rawBytes(Self.fixture("valid/night.jsonl.gz"))
        let expected = try Self.nightLines()
        for cut in stride(from: 0, to: whole.count, by: 17) {
            let url = try Self.temporaryFile(Array(whole[0..<cut]), suffix: ".jsonl.gz")
            defer { try? FileManager.default.removeItem(at: url) }
            let (lines, summary) = try Self.lines(of: url, chunkSize: 64)
            #expect(Self.texts(lines) == Array(expected.prefix(lines.count)), "cut at \(cut)")
            #expect(summary.bytes == Int64(cut))
            #expect(summary.sha256 == SHA256.hexDigest(of: Array(whole[0..<cut])))
            if cut == 0 {
                #expect(summary.truncation == "truncated gzip stream: the file is empty")
            } else {
                let position = lines.isEmpty ? "before the first line" : "after line \(lines.count)"
                #expect(
                    summary.truncation
                        == "truncated gzip stream: the file ends inside compressed data \(position)", "cut at \(cut)")
            }
        }
    }

    @Test func truncationAfterTheLastNewlineStillDropsNothingButReportsIt() throws {
        // Cut off only the 8-byte trailer: every line decodes, yet the stream is incomplete.
        let whole = try Self.rawBytes(Self.fixture("valid/night.jsonl.gz"))
        let url = try Self.temporaryFile(Array(whole.dropLast(8)), suffix: ".gz")
        defer { try? FileManager.default.removeItem(at: url) }
        let (lines, summary) = try Self.lines(of: url)
        #expect(lines.count == 41)
        #expect(summary.truncation == "truncated gzip stream: the file ends inside compressed data after line 41")
    }

    @Test func partialLastLineOfATruncatedStreamIsNotDelivered() throws {
        // The text has no final newline; a whole stream delivers "tail", a truncated one must not.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let plain = try Self.temporaryFile(Array("head\ntail".utf8), suffix: ".txt")
        defer { try? FileManager.default.removeItem(at: plain) }
        let gz = plain.appendingPathExtension("gz")
        defer { try? FileManager.default.removeItem(at: gz) }
        process.arguments = ["-c", "gzip -n -c '\(plain.path)' > '\(gz.path)'"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Self.texts(try Self.lines(of: gz).lines) == ["head", "tail"])

        let cut = try Self.temporaryFile(Array(try Self.rawBytes(gz).dropLast(8)), suffix: ".gz")
        defer { try? FileManager.default.removeItem(at: cut) }
        let (lines, summary) = try Self.lines(of: cut)
        #expect(Self.texts(lines) == ["head"])
        #expect(summary.truncation == "truncated gzip stream: the file ends inside compressed data after line 1")
    }

    @Test func corruptMemberAfterAGoodOne() throws {
        let (lines, summary) = try Self.lines(of: Self.fixture("invalid/corrupt.jsonl.gz"))
        #expect(Self.texts(lines) == Array(try Self.nightLines().prefix(5)))
        #expect(summary.truncation == "corrupt gzip stream: invalid block type, after line 5")
    }

    @Test func corruptChecksum() throws {
        let url = Self.fixture("invalid/crc-mismatch.jsonl.gz")
        let (lines, summary) = try Self.lines(of: url)
        #expect(lines.count == 41)
        #expect(summary.truncation == "corrupt gzip stream: incorrect data check, after line 41")
        #expect(summary.sha256 == SHA256.hexDigest(of: try Self.rawBytes(url)))
    }

    @Test func notGzipAtAll() throws {
        let url = try Self.temporaryFile(Array("{\"ts\":1}\n".utf8), suffix: ".jsonl.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        let (lines, summary) = try Self.lines(of: url)
        #expect(lines.isEmpty)
        #expect(summary.truncation == "corrupt gzip stream: incorrect header check, before the first line")
        #expect(summary.bytes == 9)
    }

    // MARK: - Line length

    /// `text` gzipped by gzip(1), in a temporary `.gz` file.
    private static func gzipped(_ text: [UInt8]) throws -> URL {
        let plain = try Self.temporaryFile(text, suffix: ".txt")
        defer { try? FileManager.default.removeItem(at: plain) }
        let gz = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-linereader-\(UUID().uuidString).gz")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -n -c '\(plain.path)' > '\(gz.path)'"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return gz
    }

    /// A line longer than the limit, decompressed or plain, is skipped and listed with its number and length, in
    /// whatever chunks it arrives; the lines around it are delivered, and a line at the limit is too.
    @Test(arguments: [1 << 20, 1, 7, 100, 4096, 5000])
    func aLineOverTheLimitIsSkippedAndListed(chunkSize: Int) throws {
        let limit = 4096
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 300_000)
        let atLimit = [UInt8](repeating: UInt8(ascii: "y"), count: limit)
        var text: [UInt8] = Array("first\n".utf8) + long + Array("\r\nthird\n".utf8)
        text += atLimit + Array("\r\n".utf8) + atLimit + Array("z\n".utf8) + atLimit + Array("\n".utf8)
        text += Array("\n".utf8) + long
        let full = String(decoding: atLimit, as: UTF8.self)
        let gz = try Self.gzipped(text)
        defer { try? FileManager.default.removeItem(at: gz) }
        let plain = try Self.temporaryFile(text, suffix: ".jsonl")
        defer { try? FileManager.default.removeItem(at: plain) }
        for url in [gz, plain] {
            var lines: [(Int, String)] = []
            let summary = try LineReader.forEachLine(url: url, chunkSize: chunkSize, maximumLineBytes: limit) {
                lines.append(($0, String(decoding: $1, as: UTF8.self)))
            }
            #expect(lines.map(\.0) == [1, 3, 4, 6, 7], "\(url.lastPathComponent)")
            #expect(lines.map(\.1) == ["first", "third", full, full, ""])
            #expect(
                summary.overlongLines == [
                    OverlongLine(line: 2, bytes: long.count), OverlongLine(line: 5, bytes: limit + 1),
                    OverlongLine(line: 8, bytes: long.count),
                ], "\(url.lastPathComponent), chunks of \(chunkSize)")
            #expect(summary.lines == 8)
            #expect(summary.truncation == nil)
        }
    }

    /// Without a limit given, lines are bounded by `defaultMaximumLineBytes`: a gzip line of 17 MiB (17 KB
    /// compressed) is skipped, not gathered.
    @Test func theDefaultLimitBoundsADecompressedLine() throws {
        let long = [UInt8](repeating: UInt8(ascii: "{"), count: 17 << 20)
        let gz = try Self.gzipped(Array("{}\n".utf8) + long + Array("\n{}\n".utf8))
        defer { try? FileManager.default.removeItem(at: gz) }
        var longest = 0
        let summary = try LineReader.forEachLine(url: gz) { longest = max(longest, $1.count) }
        #expect(longest == 2)
        #expect(summary.overlongLines == [OverlongLine(line: 2, bytes: 17 << 20)])
        #expect(summary.lines == 3)
    }

    // MARK: - Failures

    @Test func missingFileThrowsNamingThePath() throws {
        let url = Self.fixtures.appendingPathComponent("valid/no-such-file.jsonl")
        let error = #expect(throws: FileReadError.self) {
            try LineReader.forEachLine(url: url) { _, _ in }
        }
        #expect(error?.path == url.path)
        #expect(error?.description == "\(url.path): cannot open the file: No such file or directory")
    }

    @Test func directoryThrowsNamingThePath() throws {
        let error = #expect(throws: FileReadError.self) {
            try LineReader.forEachLine(url: Self.fixtures) { _, _ in }
        }
        #expect(error?.description.hasPrefix(Self.fixtures.path + ": ") == true)
    }

    @Test func errorsFromTheBodyPropagate() throws {
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try LineReader.forEachLine(url: Self.fixture("valid/night.jsonl.gz")) { number, _ in
                seen = number
                if number == 3 { throw Stop() }
            }
        }
        #expect(seen == 3)
    }
}
