import Foundation
import Logging
import QuadraPipeline
import Synchronization
import Testing

/// `--log-format json`: every record one line of JSON that a standard parser reads back to what was logged.
@Suite struct JSONLogHandlerTests {
    /// Lines written by a handler, kept for the test.
    final class Lines: Sendable {
        let lines = Mutex<[[UInt8]]>([])
        var all: [[UInt8]] { lines.withLock { $0 } }
        func append(_ line: [UInt8]) { lines.withLock { $0.append(line) } }
    }

    static func parse(_ line: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line))
        return try #require(object as? [String: Any])
    }

    /// Every byte below 0x20, the quote, the backslash, DEL, the C1 controls, U+2028/U+2029 and text beyond ASCII.
    static let awkward: String = {
        var scalars = (0..<0x20).compactMap(Unicode.Scalar.init)
        scalars += ["\"", "\\", "/", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}"]
        scalars += ["è", "€", "😀", "a", "{", "}"]
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return "start " + text + " end"
    }()

    @Test func escapingKeepsEveryCharacterAndTheLineWhole() throws {
        var out: [UInt8] = []
        JSONLogHandler.appendString(Self.awkward, to: &out)
        // Nothing below 0x20, no DEL, no C1 control and no U+2028/U+2029 is left raw.
        let text = String(decoding: out, as: UTF8.self)
        for scalar in text.unicodeScalars {
            #expect(!(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)), "raw U+\(scalar.value)")
            #expect(scalar != "\u{2028}" && scalar != "\u{2029}")
        }
        // The named escapes where JSON has one, \u00XX for the others.
        #expect(text.contains(#"\b\t\n\u000b\f\r"#))
        #expect(text.contains(#"\u0000\u0001"#) && text.contains(#"\u001f"#))
        #expect(text.contains(#"\"\\/\u007f\u0080\u0085\u009f"#))
        #expect(text.contains(#"\u2028\u2029è€😀a{}"#))
        // A standard parser reads back exactly the text.
        let parsed = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
        #expect(parsed == Self.awkward)
    }

    @Test func aRecordIsOneLineWithItsFieldsInOrder() throws {
        let line = JSONLogHandler.record(
            timestamp: "2026-11-22T05:00:00.250000Z", level: .warning, label: "quadra.run",
            message: "two\nlines \"quoted\"", source: "QuadraPipeline", metadata: ["b": "2", "a": "1\r\n"])
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().allSatisfy { $0 >= 0x20 }, "one line, no raw control byte")
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"timestamp":"2026-11-22T05:00:00.250000Z","level":"warning","label":"quadra.run","#
                + #""message":"two\nlines \"quoted\"","source":"QuadraPipeline","metadata":{"a":"1\r\n","b":"2"}}"#
                + "\n")
        let object = try Self.parse(line)
        #expect(object["message"] as? String == "two\nlines \"quoted\"")
        #expect(object["metadata"] as? [String: String] == ["a": "1\r\n", "b": "2"])
        // Without metadata there is no metadata field.
        let bare = try Self.parse(JSONLogHandler.record(timestamp: "t", level: .error, label: "quadra", message: "m"))
        #expect(bare.keys.sorted() == ["label", "level", "message", "timestamp"])
    }

    @Test func timestampsAreUTCWithMicroseconds() {
        #expect(JSONLogHandler.timestamp(seconds: 0, nanoseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(
            JSONLogHandler.timestamp(seconds: 1_795_323_600, nanoseconds: 250_000_999) == "2026-11-22T05:00:00.250000Z")
        #expect(
            JSONLogHandler.timestamp(seconds: 951_868_799, nanoseconds: 999_999_999) == "2000-02-29T23:59:59.999999Z")
    }

    @Test func theHandlerWritesWhatALoggerLogs() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "quadra.test", metadataProvider: nil) { lines.append($0) }
        handler.logLevel = .info
        handler[metadataKey: "run"] = "r1"
        var logger = Logger(label: "quadra.test") { _ in handler }
        logger.logLevel = .info
        logger.debug("not written: below the level")
        logger.info("wrote the reports", metadata: ["seconds": "0.25", "count": .stringConvertible(3)])
        logger[metadataKey: "run"] = "r2"
        logger.warning("tab\there", metadata: ["nested": ["k": "v"]])
        let written = lines.all
        #expect(written.count == 2)
        let first = try Self.parse(try #require(written.first))
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "quadra.test")
        #expect(first["message"] as? String == "wrote the reports")
        #expect(first["metadata"] as? [String: String] == ["count": "3", "run": "r1", "seconds": "0.25"])
        let stamp = try #require(first["timestamp"] as? String)
        #expect(stamp.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/#) != nil, "\(stamp)")
        var formatter = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        formatter.timeZone = TimeZone(identifier: "UTC") ?? .current
        let date = try formatter.parse(stamp)
        #expect(abs(date.timeIntervalSinceNow) < 3600)
        let second = try Self.parse(try #require(written.last))
        #expect(second["level"] as? String == "warning")
        #expect(second["message"] as? String == "tab\there")
        let metadata = try #require(second["metadata"] as? [String: String])
        #expect(metadata["run"] == "r2")
        #expect(metadata["nested"] == #"["k": "v"]"#)
    }
}
