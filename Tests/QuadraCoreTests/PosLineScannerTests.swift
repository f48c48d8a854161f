import Foundation
import QuadraGenerator
import Testing

@testable import QuadraCore

/// The fast path agrees exactly with the strict path (`JSONParser` then `PosEventDecoder`) or steps aside:
/// a differential check over real, generated, hand-written and mutated lines.
@Suite struct PosLineScannerTests {
    // MARK: - The contract

    /// What a line must do beyond the contract.
    enum Expectation {
        /// Nothing more: fast equals strict when it answers, and is nil when strict throws.
        case contract
        /// The strict path accepts it and so must the fast path (an ordinary line).
        case fast
        /// The strict path rejects it (so the fast path must say nil).
        case rejected
        /// The strict path accepts it and the fast path leaves it to the strict path (an unusual line).
        case deferred
    }

    struct Verdict {
        var strictAccepted: Bool
        var fastAccepted: Bool
    }

    /// Checks the contract on one line, and the expectation; returns what each path did.
    @discardableResult
    static func check(
        _ line: [UInt8], _ expectation: Expectation = .contract,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Verdict {
        let strict: Result<PosRecord, any Error>
        do {
            strict = .success(try PosEventDecoder.decode(JSONParser.parse(line)))
        } catch {
            strict = .failure(error)
        }
        let fast = line.withUnsafeBufferPointer { PosLineScanner.decode($0) }
        let shown = String(decoding: line, as: UTF8.self).debugDescription
        switch (strict, fast) {
        case (.success(let expected), .some(let record)):
            #expect(record == expected, "fast and strict differ on \(shown)", sourceLocation: sourceLocation)
        case (.failure(let error), .some(let record)):
            Issue.record(
                "the fast path accepted \(shown) as \(record), the strict path rejects it: \(error)",
                sourceLocation: sourceLocation)
        default:
            break
        }
        let verdict = Verdict(strictAccepted: (try? strict.get()) != nil, fastAccepted: fast != nil)
        switch expectation {
        case .contract:
            break
        case .fast:
            #expect(verdict.strictAccepted, "the strict path rejects \(shown)", sourceLocation: sourceLocation)
            #expect(
                verdict.fastAccepted, "an ordinary line missed the fast path: \(shown)", sourceLocation: sourceLocation)
        case .rejected:
            #expect(!verdict.strictAccepted, "the strict path accepts \(shown)", sourceLocation: sourceLocation)
        case .deferred:
            #expect(verdict.strictAccepted, "the strict path rejects \(shown)", sourceLocation: sourceLocation)
            #expect(!verdict.fastAccepted, "the fast path took \(shown)", sourceLocation: sourceLocation)
        }
        return verdict
    }

    @discardableResult
    static func check(
        _ text: String, _ expectation: Expectation = .contract,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Verdict {
        check(Array(text.utf8), expectation, sourceLocation: sourceLocation)
    }

    static func fastRecord(_ text: String) -> PosRecord? {
        Array(text.utf8).withUnsafeBufferPointer { PosLineScanner.decode($0) }
    }

    // MARK: - Corpora

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every line of every `.jsonl` and `.jsonl.gz` file in `directory`, in name order.
    static func lines(in directory: URL) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for name in names where name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.gz") {
            try LineReader.forEachLine(url: directory.appendingPathComponent(name)) { _, line in
                lines.append(Array(line))
            }
        }
        return lines
    }

    static func generatedLines(seed: UInt64) throws -> [[UInt8]] {
        var settings = NightGenerator.Settings()
        settings.sales = 1500
        settings.pems = 3
        settings.terminals = 6
        settings.seed = seed
        settings.crash = 0.05
        settings.override = 0.05
        settings.doubleCharge = 0.05
        settings.clientOutage = 1
        settings.platformOutage = 1
        settings.badLine = 0.02
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-scan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try NightGenerator(settings: settings).write(to: directory)
        return try lines(in: directory.appendingPathComponent("pos"))
    }

    /// Lines are blank when they hold only white space: the reader skips them before decoding.
    static func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    @Test(arguments: [
        "Samples/night-2026-11-21/pos", "Tests/QuadraCoreTests/Fixtures/nights/valid-mixed/pos",
        "Tests/QuadraCoreTests/Fixtures/nights/invalid-pos/pos", "Tests/QuadraCoreTests/Fixtures/pos/valid",
    ])
    func everyAcceptedLineOfTheSamplesTakesTheFastPath(_ folder: String) throws {
        let lines = try Self.lines(in: Self.packageRoot.appendingPathComponent(folder))
        var accepted = 0
        for line in lines where !Self.isBlank(line) {
            let verdict = Self.check(line)
            if verdict.strictAccepted {
                accepted += 1
                #expect(verdict.fastAccepted, "\(folder): \(String(decoding: line, as: UTF8.self))")
            }
        }
        #expect(accepted > 0, "\(folder) has lines")
    }

    @Test(arguments: [UInt64(3), 11])
    func everyGeneratedLineTakesTheFastPathAndEveryBadOneIsRejected(seed: UInt64) throws {
        let lines = try Self.generatedLines(seed: seed)
        var accepted = 0
        var rejected = 0
        for line in lines {
            let verdict = Self.check(line)
            if verdict.strictAccepted {
                accepted += 1
                #expect(verdict.fastAccepted, "seed \(seed): \(String(decoding: line, as: UTF8.self))")
            } else {
                rejected += 1
            }
        }
        #expect(accepted > 3000, "seed \(seed)")
        #expect(rejected > 5, "seed \(seed): the generator planted bad lines")
    }

    // MARK: - Hand-written lines

    /// A line as its members' raw JSON, to vary one member at a time.
    struct Line {
        var members: [(key: String, raw: String)]
        var text: String { "{" + members.map { "\"\($0.key)\":\($0.raw)" }.joined(separator: ",") + "}" }

        func replacing(_ key: String, with raw: String) -> Line {
            Line(members: members.map { $0.key == key ? (key, raw) : $0 })
        }
        func removing(_ key: String) -> Line { Line(members: members.filter { $0.key != key }) }
        func appending(_ key: String, _ raw: String) -> Line { Line(members: members + [(key, raw)]) }
        func prepending(_ key: String, _ raw: String) -> Line { Line(members: [(key, raw)] + members) }
    }

    static let ts = #""2026-11-21T10:00:00+01:00""#
    static let sale = Line(members: [
        ("ts", ts), ("event", #""sale""#), ("terminal", #""T1""#), ("sale", #""S-1""#), ("pem", #""E001-000001""#),
        ("total", #""30.00""#), ("payment", #""electronic""#),
        ("lines", #"[{"vat":"22.00","gross":"20.00"},{"vat":"10.00","gross":"10.00"}]"#),
    ])
    static let request = Line(members: [
        ("ts", ts), ("event", #""payment_request""#), ("terminal", #""T1""#), ("sale", #""S-1""#),
        ("posRefId", #""T1-S-1-1""#), ("kind", #""purchase""#), ("amount", "3000"),
    ])
    static let response = Line(members: [
        ("ts", ts), ("event", #""payment_response""#), ("terminal", #""T1""#), ("sale", #""S-1""#),
        ("posRefId", #""T1-S-1-1""#), ("success", "true"), ("amount", "3000"), ("userOverride", "false"),
        ("hostResponseText", #""APPROVED""#),
    ])
    static let issued = Line(members: [
        ("ts", ts), ("event", #""receipt_issued""#), ("terminal", #""T1""#), ("sale", #""S-1""#),
        ("pem", #""E001-000001""#), ("receiptUuid", #""0b7e1c1a-0001-4000-8000-000000000001""#),
        ("documentNumber", #""0001-0001""#), ("total", #""30.00""#),
    ])
    static let failed = Line(members: [
        ("ts", ts), ("event", #""receipt_failed""#), ("terminal", #""T1""#), ("sale", #""S-1""#),
        ("pem", #""E001-000001""#), ("reason", #""timeout""#),
    ])
    static let started = Line(members: [("ts", ts), ("event", #""pos_started""#), ("terminal", #""T1""#)])

    /// Each base line with the keys its event may leave out.
    static let bases: [(line: Line, optional: Set<String>)] = [
        (sale, []), (request, []), (response, ["amount", "userOverride", "hostResponseText"]), (issued, []),
        (failed, []), (started, ["sale"]),
    ]

    @Test func everyEventTypeAndEveryEnumValueTakesTheFastPath() {
        for base in Self.bases { Self.check(base.line.text, .fast) }
        Self.check(Self.started.appending("sale", #""S-9""#).text, .fast)
        Self.check(Self.started.appending("sale", #""""#).text, .fast)
        for payment in PaymentMethod.allCases {
            Self.check(Self.sale.replacing("payment", with: "\"\(payment.rawValue)\"").text, .fast)
        }
        for kind in AttemptKind.allCases {
            Self.check(Self.request.replacing("kind", with: "\"\(kind.rawValue)\"").text, .fast)
        }
        for reason in ReceiptFailureReason.allCases {
            Self.check(Self.failed.replacing("reason", with: "\"\(reason.rawValue)\"").text, .fast)
        }
        for (key, raw) in [
            ("payment", #""Cash""#), ("payment", #""card""#), ("kind", #""PURCHASE""#), ("reason", #""meteor""#),
            ("reason", #""http5xx""#),
        ] {
            for base in [Self.sale, Self.request, Self.failed] where base.members.contains(where: { $0.key == key }) {
                Self.check(base.replacing(key, with: raw).text, .rejected)
            }
        }
        for event in [#""refund""#, #""Sale""#, #""SALE""#, #""""#, #""sale ""#, #"" sale""#, "5", "null", "true"] {
            Self.check(Self.sale.replacing("event", with: event).text, .rejected)
        }
        // The response's optional keys: missing, null or given.
        for key in ["amount", "userOverride", "hostResponseText"] {
            Self.check(Self.response.removing(key).text, .fast)
            Self.check(Self.response.replacing(key, with: "null").text, .fast)
        }
        Self.check(
            Self.response.replacing("userOverride", with: "true").replacing("success", with: "false").text, .fast)
        Self.check(Self.response.replacing("hostResponseText", with: #""""#).text, .fast)
        #expect(
            Self.fastRecord(Self.response.removing("userOverride").text)?.event
                == Self.fastRecord(Self.response.text)?.event)
    }

    @Test func everyVatCodeAndSpellingAgrees() throws {
        let canonical = VatCode.acubeRates.map { Money(cents: $0).description } + (1...6).map { "N\($0)" }
        for code in canonical {
            let line = Self.sale.replacing("lines", with: #"[{"vat":"\#(code)","gross":"30.00"}]"#)
            Self.check(line.text, .fast)
            let record = try #require(Self.fastRecord(line.text))
            guard case .sale(let event) = record.event else {
                Issue.record("not a sale")
                continue
            }
            #expect(event.lines.map(\.vat.code) == [code])
        }
        for spelling in ["22", "22.0", "22,00", "22.000", "4", "n3", "10,0"] {
            Self.check(Self.sale.replacing("lines", with: #"[{"vat":"\#(spelling)","gross":"30.00"}]"#).text, .fast)
        }
        for bad in ["23.00", "N7", "N0", "N01", "n", "", "22.001", "-22.00", "22.00 ", "x", "0.00", "N+"] {
            Self.check(Self.sale.replacing("lines", with: #"[{"vat":"\#(bad)","gross":"30.00"}]"#).text, .rejected)
        }
        for raw in ["22", "null", "true", "[]", "{}"] {
            Self.check(Self.sale.replacing("lines", with: #"[{"vat":\#(raw),"gross":"30.00"}]"#).text, .rejected)
        }
    }

    @Test func missingNullAndWronglyTypedKeys() {
        let values = [
            "null", "1", "0", "-0", "1.5", "1e3", #""x""#, #""""#, #""3000""#, "true", "false", "[]", "{}", "[1]",
            #"{"a":1}"#, #""2026-11-21T10:00:00+01:00""#,
        ]
        for base in Self.bases {
            for member in base.line.members {
                let isOptional = base.optional.contains(member.key)
                Self.check(base.line.removing(member.key).text, isOptional ? .fast : .rejected)
                Self.check(base.line.replacing(member.key, with: "null").text, isOptional ? .fast : .rejected)
                for value in values { Self.check(base.line.replacing(member.key, with: value).text) }
            }
            // Keys of other events are ignored, whatever their type; unknown keys too.
            for key in ["total", "lines", "amount", "success", "kind", "reason", "pem", "sale", "extra", "", "TS"]
            where !base.line.members.contains(where: { $0.key == key }) && !base.optional.contains(key) {
                for value in values { Self.check(base.line.appending(key, value).text, .fast) }
            }
        }
        for key in ["terminal", "sale", "posRefId"] {
            Self.check(Self.request.replacing(key, with: #""""#).text, .rejected)
        }
        Self.check(Self.issued.replacing("receiptUuid", with: #""""#).text, .rejected)
        Self.check(Self.issued.replacing("pem", with: #""""#).text, .rejected)
        Self.check(Self.started.replacing("terminal", with: #""""#).text, .rejected)
        Self.check(Self.started.appending("sale", "5").text, .rejected)
        Self.check(Self.response.replacing("success", with: #""true""#).text, .rejected)
        Self.check(Self.response.replacing("userOverride", with: "1").text, .rejected)
        Self.check(Self.response.replacing("hostResponseText", with: "5").text, .rejected)
    }

    /// A key named twice in any object of the line rejects the line on both paths (the last value used to win
    /// silently: `"event":"sale",…,"event":"pos_started"` dropped the sale).
    @Test func aRepeatedKeyRejectsTheLine() throws {
        for base in Self.bases {
            for member in base.line.members {
                for raw in [member.raw, "null", #""x""#, "17"] {
                    Self.check(base.line.appending(member.key, raw).text, .rejected)
                    Self.check(base.line.prepending(member.key, raw).text, .rejected)
                }
            }
            // Keys no event reads, and keys of other events.
            for key in ["extra", "", "TS", "total", "reason"]
            where !base.line.members.contains(where: { $0.key == key }) {
                Self.check(base.line.appending(key, "1").text, .fast)
                Self.check(base.line.appending(key, "1").appending(key, "1").text, .rejected)
                Self.check(base.line.prepending(key, "null").appending(key, #""y""#).text, .rejected)
            }
        }
        // Deeper objects: a sale line, an unknown value.
        Self.check(
            Self.sale.replacing("lines", with: #"[{"vat":"22.00","gross":"30.00","vat":"22.00"}]"#).text, .rejected)
        Self.check(
            Self.sale.replacing("lines", with: #"[{"vat":"4.00","gross":"1.00","gross":"30.00","vat":"N1"}]"#).text,
            .rejected)
        Self.check(
            Self.sale.replacing("lines", with: #"[{"vat":"22.00","gross":"30.00","note":1,"note":2}]"#).text,
            .rejected)
        Self.check(Self.request.appending("extra", #"{"a":1,"b":{"c":[{"d":1,"d":1}]}}"#).text, .rejected)
        Self.check(Self.request.appending("extra", #"{"a":1,"b":{"c":[{"d":1,"D":1}]}}"#).text, .fast)
        // Keys that only look alike are different keys.
        Self.check(Self.request.appending("Amount", "1").appending("amount ", "2").text, .fast)
        // Through escapes and UTF-8 the strict path decides, on the decoded keys.
        Self.check(Self.request.appending(#"\u0061mount"#, "1").text, .rejected)
        Self.check(Self.request.appending("é", "1").appending(#"\u00e9"#, "2").text, .rejected)
        Self.check(Self.request.appending("é", "1").appending(#"e\u0301"#, "2").text, .rejected)
        // Many keys besides the known ones: the fast path follows a fixed number, then leaves the line to the strict
        // path, which decides (here, accepts) it.
        var many = Self.request
        for index in 0..<JSONObjectKeys.capacity { many = many.appending("k\(index)", "\(index)") }
        Self.check(many.text, .fast)
        Self.check(many.appending("one-more", "0").text, .deferred)
        Self.check(many.appending("one-more", "0").appending("k3", "0").text, .rejected)
        var wide = "{"
        for index in 0..<5000 { wide += "\"k\(index)\":\(index)," }
        Self.check(Self.request.appending("extra", wide + #""k17":0}"#).text, .rejected)
        Self.check(Self.request.appending("extra", wide + #""k":0}"#).text, .deferred)
    }

    /// The strict path's message names the key and where it is repeated; the night reader reports it with the file
    /// and line.
    @Test func theRejectionOfARepeatedKeyNamesIt() throws {
        let line = Self.sale.appending("event", #""pos_started""#).text
        let result = Array(line.utf8).withUnsafeBufferPointer { PosLineDecoding.strictly($0, lineNumber: 7) }
        let column = line.utf8.count - #""event":"pos_started"}"#.utf8.count + 1
        guard case .failure(let rejection) = result else {
            Issue.record("accepted: \(line)")
            return
        }
        #expect(
            rejection.message
                == "bad JSON at column \(column): the key \"event\" appears twice in one object: expected each key once"
        )
    }

    @Test func numbers() throws {
        let accepted = [
            "0", "-0", "1", "3000", "9999999999999", "0 ", "\t7",
        ]
        for raw in accepted { Self.check(Self.request.replacing("amount", with: raw).text, .fast) }
        let zero = try #require(Self.fastRecord(Self.request.replacing("amount", with: "-0").text))
        #expect(zero.event == Self.fastRecord(Self.request.replacing("amount", with: "0").text)?.event)
        let rejected = [
            "1e3", "1E3", "1.0", "1.5", "-1", "-3000", "01", "00", "-01", "9223372036854775808", "9223372036854775807",
            "10000000000000",
            "-9223372036854775808", "99999999999999999999999", "-", "1.", ".5", "+1", "0x10", "1e", "1e+", "-e1",
            "--1", "1-", "- 1", "1 2", "Infinity", "NaN", #""500""#, "1.0e0", "0.", "-0.0", "1e-0",
        ]
        for raw in rejected { Self.check(Self.request.replacing("amount", with: raw).text, .rejected) }
        for raw in accepted + rejected { Self.check(Self.response.replacing("amount", with: raw).text) }
        // documentNumber keeps a number's text as written.
        for raw in ["7", "-0", "0", "1.5e3", "1E-2", "-12.50", "123456789012345678901234567890"] {
            let line = Self.issued.replacing("documentNumber", with: raw).text
            Self.check(line, .fast)
            guard case .receiptIssued(let event) = try #require(Self.fastRecord(line)).event else {
                Issue.record("not a receipt")
                continue
            }
            #expect(event.documentNumber == raw)
        }
        for raw in ["01", "1.", "-", ".1", "1e", "+1", #""""#, "true", "[1]", "null"] {
            Self.check(Self.issued.replacing("documentNumber", with: raw).text, .rejected)
        }
        // Unknown keys may hold any valid number, and no invalid one.
        for raw in ["-0", "1e3", "1.5E+10", "-0.0e-0", "123456789012345678901234567890"] {
            Self.check(Self.sale.appending("extra", raw).text, .fast)
        }
        for raw in ["01", "1.", "-", ".1", "1e", "+1", "0x1", "1..2", "1ee2"] {
            Self.check(Self.sale.appending("extra", raw).text, .rejected)
        }
    }

    @Test func moneyAndTheLinesAddingUp() {
        func sale(total: String, grosses: [String]) -> String {
            let lines = grosses.map { #"{"vat":"22.00","gross":"\#($0)"}"# }.joined(separator: ",")
            return Self.sale.replacing("total", with: "\"\(total)\"").replacing("lines", with: "[\(lines)]").text
        }
        for amount in ["30", "30.0", "30.000", "030.00", "0.01", "99999999999.99", "99999999999"] {
            Self.check(sale(total: amount, grosses: [amount]), .fast)
        }
        for amount in [
            "30.001", "30,00", "-30.00", "0", "0.00", "", " 30", "30 ", "3e1", "1000000000000000", ".5", "5.",
            // Above Money.largestInput: 15 digits of euros were read before, and a hundred of them overflowed.
            "100000000000", "100000000000.00", "999999999999999.99", "999999999999999",
        ] {
            Self.check(sale(total: amount, grosses: [amount]), .rejected)
        }
        Self.check(sale(total: "30.00", grosses: ["10.00", "10", "10.0"]), .fast)
        Self.check(sale(total: "30.00", grosses: ["10.00", "10.00", "10.01"]), .rejected)
        Self.check(sale(total: "30.00", grosses: ["30.00", "0.00"]), .rejected)
        Self.check(sale(total: "30.00", grosses: ["15.00"]), .rejected)
        Self.check(sale(total: "30.00", grosses: Array(repeating: "1.00", count: 30)), .fast)
        for lines in [
            "[]", "[ ]", "{}", #""x""#, "[1]", "[{}]", "[[]]", "null", #"[{"vat":"22.00"}]"#,
            #"[{"gross":"30.00"}]"#, #"[{"vat":"22.00","gross":30}]"#, #"[{"vat":"22.00","gross":"30.00"},]"#,
            #"[{"vat":"22.00","gross":"30.00"} {"vat":"22.00","gross":"0.01"}]"#,
            #"[{"vat":"22.00","gross":"30.00"},1]"#, #"[{"vat":"22.00","gross":"30.00",}]"#,
            #"[{"gross":"30.00","vat":"22.00","vat":"N2"}]"#,
        ] {
            Self.check(Self.sale.replacing("lines", with: lines).text, .rejected)
        }
        for lines in [
            #"[ { "vat" : "22.00" , "gross" : "30.00" } ]"#,
            #"[{"vat":"22.00","gross":"30.00","note":[1,{"a":null}]}]"#,
            #"[{"vat":"22.00","gross":"30.00","x":null}]"#,
        ] {
            Self.check(Self.sale.replacing("lines", with: lines).text, .fast)
        }
        for total in [#""""#, "30", "30.00", "null", "true"] {
            Self.check(Self.sale.replacing("total", with: total).text, .rejected)
            Self.check(Self.issued.replacing("total", with: total).text, .rejected)
        }
    }

    @Test func timestamps() {
        for text in [
            "2026-11-21T10:00:00Z", "2026-11-21T10:00:00z", "2026-11-21t10:00:00+01:00", "2026-11-21 10:00:00+01:00",
            "2026-11-21T10:00:00.5+01:00", "2026-11-21T10:00:00.123456-05:30", "2024-02-29T23:59:59+14:00",
            "0001-01-03T00:00:00Z", "9999-12-29T23:59:59-23:59",
        ] {
            Self.check(Self.failed.replacing("ts", with: "\"\(text)\"").text, .fast)
        }
        // Dates a report could not write (years 0000 and 10000 once an offset or the fiscal zone moves them).
        for text in ["0000-06-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59"] {
            Self.check(Self.failed.replacing("ts", with: "\"\(text)\"").text, .rejected)
        }
        for text in [
            "2026-11-21T10:00:00", "2026-11-21T10:00+01:00", "2026-02-30T10:00:00Z", "2026-11-21T24:00:00Z",
            "2026-11-21T10:60:00Z", "2026-11-21T10:00:60Z", "2026-11-21T10:00:00+24:00", "2026-11-21T10:00:00+0100",
            "2026-11-21T10:00:00.+01:00", "2026-11-21T10:00:00Z ", "2026-13-01T10:00:00Z", "2026-11-21", "",
            "2026-11-21X10:00:00Z", "+026-11-21T10:00:00Z",
        ] {
            Self.check(Self.failed.replacing("ts", with: "\"\(text)\"").text, .rejected)
        }
        Self.check(Self.failed.replacing("ts", with: "1795284120000").text, .rejected)
    }

    @Test func stringsEscapesAndUnicode() throws {
        // Escapes and non-ASCII text are valid: the strict path reads them.
        for raw in [
            #""T\u0031""#, #""T\"1""#, #""T\\1""#, #""T\/1""#, #""T\n1""#, #""caf\u00e9""#, #""\ud83d\ude00""#,
            "\"Tè\"", "\"T€\"", "\"😀\"",
        ] {
            Self.check(Self.request.replacing("terminal", with: raw).text, .deferred)
            Self.check(Self.request.appending("note", raw).text, .deferred)
        }
        Self.check(Self.request.replacing("event", with: #""payment\u005frequest""#).text, .deferred)
        Self.check(Self.request.removing("ts").prepending("t\\u0073", Self.ts).text, .deferred)
        Self.check(Self.request.prepending("é", "1").text, .deferred)
        // Bad escapes, raw control characters and bad UTF-8 are errors.
        for raw in [#""T\x""#, #""T\u00""#, #""T\ud83d""#, #""T\ude00x""#, "\"T\t1\"", "\"T\u{01}\"", #""T\""#] {
            Self.check(Self.request.replacing("terminal", with: raw).text, .rejected)
        }
        let line = Array(Self.request.text.utf8)
        let terminal = Array(#""T1""#.utf8)
        let at = try #require(Self.firstIndex(of: terminal, in: line))
        for bytes: [UInt8] in [
            [0xFF], [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00],
        ] {
            var bad = line
            bad.insert(contentsOf: bytes, at: at + 2)
            Self.check(bad, .rejected)
        }
        // DEL is printable enough for JSON.
        Self.check(Self.request.replacing("terminal", with: "\"T\u{7F}\"").text, .fast)
        // Upper-case uuids are lower-cased.
        let upper = Self.issued.replacing("receiptUuid", with: #""0B7E1C1A-0001-4000-8000-00000000000A""#).text
        Self.check(upper, .fast)
        guard case .receiptIssued(let event) = try #require(Self.fastRecord(upper)).event else {
            Issue.record("not a receipt")
            return
        }
        #expect(event.receiptUuid == "0b7e1c1a-0001-4000-8000-00000000000a")
        Self.check(Self.issued.replacing("receiptUuid", with: #""U-1""#).text, .fast)
        // Long strings on either side of the eight-byte steps.
        for length in 0...40 {
            let text = String(repeating: "a", count: length)
            Self.check(Self.response.replacing("hostResponseText", with: "\"\(text)\"").text, .fast)
            Self.check(Self.response.replacing("hostResponseText", with: "\"\(text)\\n\"").text, .deferred)
            Self.check(Self.response.replacing("hostResponseText", with: "\"\(text)é\"").text, .deferred)
            Self.check(Self.response.replacing("hostResponseText", with: "\"\(text)\u{1F}\"").text, .rejected)
            Self.check(Self.response.replacing("hostResponseText", with: "\"\(text)").text, .rejected)
            // A lone continuation byte (0x80...0x9F) is bad UTF-8 that only the high-bit test sees.
            let open = Array(Self.response.replacing("hostResponseText", with: "\"\(text)").text.utf8.dropLast())
            Self.check(open + [0x85] + Array("\"}".utf8), .rejected)
        }
    }

    @Test func whiteSpaceWhereJSONAllowsItAndNowhereElse() {
        for space in [" ", "\t", "\r", "\n", "\r\n", " \t\r\n  "] {
            for base in Self.bases {
                Self.check(Self.spaced(base.line.text, space), .fast)
            }
        }
        for space in ["\u{0B}", "\u{0C}", "\u{A0}", "\u{2028}", "\u{00}"] {
            for base in Self.bases {
                Self.check(Self.spaced(base.line.text, space), .rejected)
                Self.check(base.line.text + space, .rejected)
                Self.check(space + base.line.text, .rejected)
            }
        }
    }

    /// `text` with `space` around every structural character and around the whole line.
    static func spaced(_ text: String, _ space: String) -> String {
        var output = space
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                output.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                continue
            }
            if character == "\"" {
                inString = true
                output.append(character)
            } else if "{}[]:,".contains(character) {
                output += space + String(character) + space
            } else {
                output.append(character)
            }
        }
        return output + space
    }

    @Test func structureTruncationTrailingTextAndNesting() {
        for text in [
            "", " ", "{}", "[]", "[1,2,3]", #""x""#, "1", "null", "true", #"{"event":"pos_started"}"#, "{", "}",
        ] {
            Self.check(text, .rejected)
        }
        for base in Self.bases {
            let text = base.line.text
            for count in 0..<text.utf8.count {
                Self.check(Array(text.utf8.prefix(count)), .rejected)
            }
            for garbage in ["x", "}", ",", "{}", " 1", "]", "\u{00}", "//", "\"", " {"] {
                Self.check(text + garbage, .rejected)
            }
            Self.check(text.replacingOccurrences(of: ",", with: ",,"), .rejected)
            Self.check(text.replacingOccurrences(of: ":", with: "::"), .rejected)
            Self.check(String(text.dropLast()) + ",}", .rejected)
            Self.check("{," + String(text.dropFirst()), .rejected)
            Self.check(text.replacingOccurrences(of: "\":", with: "\" "), .rejected)
        }
        for extra in [
            #"{"a":[1,2,{"b":null}],"c":"d"}"#, "[]", "{}", "[[],[{}]]", #"{"lines":[],"event":"x"}"#,
            #"[true,false,null,-0,1e9,"s"]"#,
        ] {
            Self.check(Self.sale.appending("extra", extra).text, .fast)
            Self.check(Self.sale.prepending("extra", extra).text, .fast)
        }
        for extra in [
            #"{"a":01}"#, "[1,]", #"{"a"}"#, #"{"a":1,}"#, "[1 2]", "{1:2}", "[", "{", "]", "[}", #"{"a":tru}"#, "nul",
            #"{"a" 1}"#, "[,1]", #"{,"a":1}"#, "[\"\u{01}\"]",
        ] {
            Self.check(Self.sale.appending("extra", extra).text, .rejected)
        }
        for depth in [2, 10, 30] {
            Self.check(Self.sale.appending("extra", Self.nested(depth)).text, .fast)
        }
        for depth in [31, 40, 254] {
            Self.check(Self.sale.appending("extra", Self.nested(depth)).text, .deferred)
        }
        Self.check(Self.sale.appending("extra", Self.nested(300)).text, .rejected)
    }

    /// `depth` arrays one inside the other, with an object at the bottom.
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + #"{"a":1}"# + String(repeating: "]", count: depth)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    // MARK: - Mutation fuzz

    /// The top-level members of a line as raw text ("key":value), split at the commas of the outer object.
    static func members(of line: [UInt8]) -> [[UInt8]]? {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}") else { return nil }
        var members: [[UInt8]] = []
        var current: [UInt8] = []
        var depth = 0
        var inString = false
        var escaped = false
        for byte in line.dropFirst().dropLast() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                members.append(current)
                current = []
                continue
            }
            current.append(byte)
        }
        members.append(current)
        return members
    }

    static func joined(_ members: [[UInt8]]) -> [UInt8] {
        [UInt8(ascii: "{")] + Array(members.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "}")]
    }

    static func split(_ member: [UInt8]) -> (key: [UInt8], value: [UInt8]) {
        guard let colon = member.firstIndex(of: UInt8(ascii: ":")) else { return (member, []) }
        return (Array(member[..<colon]), Array(member[(colon + 1)...]))
    }

    /// Bytes that matter to JSON and to the fast path's shortcuts.
    static let alphabet: [UInt8] =
        Array(#"{}[]":,\ 0123456789-+.eEtrufalsn"#.utf8) + [
            0x09, 0x0A, 0x0D, 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, UInt8(ascii: "A"), UInt8(ascii: "N"),
        ]

    /// Whole tokens: valid escapes and UTF-8 (the strict path reads them), values, members.
    static let tokens: [[UInt8]] = [
        #"\n"#, #"\u0041"#, #"\\"#, #"\""#, #"\/"#, "é", "€", "😀", " ", "\t", "null", "true", "-0", "1e3", "0.5",
        "{}", "[]", #""""#, #""x":1,"#, #","lines":[]"#, #","amount":null"#,
    ].map { Array($0.utf8) }

    static func mutate(_ line: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        func pick(_ count: Int) -> Int { Int(random.next() % UInt64(max(count, 1))) }
        var line = line
        switch random.next() % 10 {
        case 8:
            line.insert(contentsOf: tokens[pick(tokens.count)], at: pick(line.count + 1))
        case 0 where !line.isEmpty:
            line.remove(at: pick(line.count))
        case 1:
            line.insert(alphabet[pick(alphabet.count)], at: pick(line.count + 1))
        case 2 where !line.isEmpty:
            line[pick(line.count)] = alphabet[pick(alphabet.count)]
        case 3:
            line = Array(line.prefix(pick(line.count)))
        case 4:
            // Swap two members' values.
            guard var members = members(of: line), members.count >= 2 else { break }
            let a = pick(members.count)
            let b = pick(members.count)
            let (keyA, valueA) = split(members[a])
            let (keyB, valueB) = split(members[b])
            members[a] = keyA + [UInt8(ascii: ":")] + valueB
            members[b] = keyB + [UInt8(ascii: ":")] + valueA
            line = joined(members)
        case 5:
            // Repeat a member, somewhere, maybe with another member's value.
            guard var members = members(of: line), !members.isEmpty else { break }
            let (key, value) = split(members[pick(members.count)])
            let other = random.chance(0.5) ? split(members[pick(members.count)]).value : value
            members.insert(key + [UInt8(ascii: ":")] + other, at: pick(members.count + 1))
            line = joined(members)
        case 6:
            // Remove a member, or set it to null.
            guard var members = members(of: line), !members.isEmpty else { break }
            let index = pick(members.count)
            if random.chance(0.5) {
                members.remove(at: index)
            } else {
                members[index] = split(members[index]).key + Array(":null".utf8)
            }
            line = joined(members)
        case 7 where !line.isEmpty:
            // Change a digit or a letter by one, which keeps the shape but changes the value.
            let index = pick(line.count)
            line[index] = line[index] &+ (random.chance(0.5) ? 1 : 0xFF)
        default:
            // Duplicate a run of bytes.
            guard !line.isEmpty else { break }
            let start = pick(line.count)
            let end = min(line.count, start + 1 + pick(12))
            line.insert(contentsOf: line[start..<end], at: pick(line.count + 1))
        }
        return line
    }

    @Test func seededMutationsKeepTheContract() throws {
        var seeds = try Self.lines(in: Self.packageRoot.appendingPathComponent("Samples/night-2026-11-21/pos"))
        seeds += Self.bases.map { Array($0.line.text.utf8) }
        seeds += try Self.generatedLines(seed: 5).enumerated().filter { $0.offset % 97 == 0 }.map(\.element)
        seeds = seeds.filter { !Self.isBlank($0) }
        var random = SplitMix64(seed: 20_261_121)
        var counts = (fast: 0, deferred: 0, rejected: 0)
        for round in 0..<20_000 {
            var line = seeds[round % seeds.count]
            // Half the lines get one mutation, the others two to four.
            let mutations = random.chance(0.5) ? 1 : 2 + random.next() % 3
            for _ in 0..<mutations { line = Self.mutate(line, &random) }
            let verdict = Self.check(line)
            switch (verdict.strictAccepted, verdict.fastAccepted) {
            case (true, true): counts.fast += 1
            case (true, false): counts.deferred += 1
            default: counts.rejected += 1
            }
        }
        // The mutations reach both sides of the contract.
        // (A repeated member, which mutations make, is rejected.)
        #expect(counts.fast > 1200, "\(counts)")
        #expect(counts.rejected > 10000, "\(counts)")
        #expect(counts.deferred > 50, "\(counts)")
    }
}
