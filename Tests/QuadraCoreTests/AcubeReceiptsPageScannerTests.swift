import Foundation
import QuadraGenerator
import Testing

@testable import QuadraCore

/// The fast path for receipts pages agrees exactly with the tree path (`JSONParser`, then `LenientFields`) or
/// steps aside without touching the data: a differential check over generated, sample, hand-written and mutated
/// pages.
@Suite struct AcubeReceiptsPageScannerTests {
    // MARK: - The contract

    /// What a page must do beyond the contract.
    enum Expectation {
        /// Nothing more: when the fast path answers, it equals the tree path.
        case contract
        /// The tree path reads it without a diagnostic and so must the fast path (an ordinary page).
        case fast
        /// The tree path reports something (a bad member or file), so the fast path must say nil.
        case rejected
        /// The tree path reads it without a diagnostic and the fast path leaves it to the tree path (unusual).
        case deferred
    }

    struct Verdict {
        /// The tree path gave no diagnostic.
        var treeClean: Bool
        var fastTaken: Bool
        /// The receipts the fast path left, or the tree path's when the fast path said nil.
        var receipts: [AcubeReceipt]
    }

    static let path = "acube/E1/receipts-1.json"

    static func receipts(_ data: AcubeData) -> [AcubeReceipt] {
        (0..<data.receipts.count).map { data.receipts.receipt(at: $0) }
    }

    /// Checks the contract on one page read into `start`, and the expectation.
    @discardableResult
    static func check(
        _ page: [UInt8], _ expectation: Expectation = .contract, start: AcubeData = AcubeData(pem: "E1"),
        path: String = path, zone: FiscalTimeZone = .rome, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Verdict {
        var treeData = start
        let tree = AcubeExportReader.readTree(
            page, kind: .acubeReceipts, displayPath: path, timeZone: zone, into: &treeData)
        var fastData = start
        let fast = page.withUnsafeBufferPointer {
            AcubeReceiptsPageScanner.read($0, displayPath: path, timeZone: zone, into: &fastData)
        }
        let shown = String(decoding: page.prefix(300), as: UTF8.self).debugDescription
        if let fast {
            #expect(fast.recordsRead == tree.recordsRead, "records read on \(shown)", sourceLocation: sourceLocation)
            #expect(fast.diagnostics == tree.diagnostics, "diagnostics on \(shown)", sourceLocation: sourceLocation)
            expectSameReceipts(fastData, treeData, "on \(shown)", sourceLocation: sourceLocation)
        } else {
            expectSameReceipts(fastData, start, "nil but the data changed: \(shown)", sourceLocation: sourceLocation)
        }
        // The reader's entry point gives the tree path's answer either way.
        var readData = start
        let read = AcubeExportReader.read(
            page, kind: .acubeReceipts, displayPath: path, timeZone: zone, into: &readData)
        #expect(read.recordsRead == tree.recordsRead, sourceLocation: sourceLocation)
        #expect(read.diagnostics == tree.diagnostics, sourceLocation: sourceLocation)
        expectSameReceipts(readData, treeData, "read() on \(shown)", sourceLocation: sourceLocation)

        let verdict = Verdict(
            treeClean: tree.diagnostics.isEmpty, fastTaken: fast != nil,
            receipts: fast != nil ? receipts(fastData) : receipts(treeData))
        switch expectation {
        case .contract:
            break
        case .fast:
            #expect(verdict.treeClean, "the tree path reports \(tree.diagnostics)", sourceLocation: sourceLocation)
            #expect(
                verdict.fastTaken, "an ordinary page missed the fast path: \(shown)", sourceLocation: sourceLocation)
        case .rejected:
            #expect(!verdict.treeClean, "the tree path reads \(shown) cleanly", sourceLocation: sourceLocation)
            #expect(!verdict.fastTaken, sourceLocation: sourceLocation)
        case .deferred:
            #expect(verdict.treeClean, "the tree path reports \(tree.diagnostics)", sourceLocation: sourceLocation)
            #expect(!verdict.fastTaken, "expected the tree path for \(shown)", sourceLocation: sourceLocation)
        }
        return verdict
    }

    /// Every receipt, in order, and every uuid's lookup; reports the first difference only.
    static func expectSameReceipts(
        _ actual: AcubeData, _ expected: AcubeData, _ context: String, sourceLocation: Testing.SourceLocation
    ) {
        let (left, right) = (receipts(actual), receipts(expected))
        #expect(left.count == right.count, "receipt count \(context)", sourceLocation: sourceLocation)
        if let (index, pair) = zip(left, right).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record(
                "receipt \(index) is \(pair.0), expected \(pair.1), \(context)", sourceLocation: sourceLocation)
        }
        if let uuid = expected.receipts.keys.first(where: {
            actual.receipts.index(of: $0) != expected.receipts.index(of: $0)
        }) {
            Issue.record("uuid \(uuid) is not where expected, \(context)", sourceLocation: sourceLocation)
        }
    }

    @discardableResult
    static func check(
        _ page: String, _ expectation: Expectation = .contract, start: AcubeData = AcubeData(pem: "E1"),
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Verdict {
        check(Array(page.utf8), expectation, start: start, sourceLocation: sourceLocation)
    }

    /// A page of `members` (each a member's JSON text), one per line as the API writes them.
    static func page(_ members: [String]) -> String {
        "{\"members\":[\n" + members.joined(separator: ",\n")
            + "\n],\"total\":\(members.count),\"page\":1,\"size\":100}\n"
    }

    static let u1 = "0b7e1c1a-0001-4000-8000-000000000001"
    static let u2 = "0b7e1c1a-0002-4000-8000-000000000002"

    /// An ordinary sale member.
    static func sale(_ uuid: String = u1, _ total: String = "12.50", at time: String = "2026-11-21T10:00:04") -> String
    {
        #"{"uuid":"\#(uuid)","type":"sale","total_amount":"\#(total)","document_number":"0001-0001","document_datetime":"\#(time)","parent_receipt_uuid":null}"#
    }

    // MARK: - Corpora

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every receipts page under `directory/<PEM>/`, by PEM then name, as the night reader reads them.
    static func pages(in directory: URL) throws -> [(pem: String, path: String, bytes: [UInt8])] {
        var pages: [(String, String, [UInt8])] = []
        for pem in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
            let folder = directory.appendingPathComponent(pem)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            where name.hasPrefix("receipts") && name.hasSuffix(".json") {
                let bytes = try Array(Data(contentsOf: folder.appendingPathComponent(name)))
                pages.append((pem, "acube/\(pem)/\(name)", bytes))
            }
        }
        return pages
    }

    /// Reads each PEM's pages in order into one `AcubeData` per PEM (so later pages meet earlier receipts),
    /// checking the contract page by page; returns how many pages took the fast path.
    @discardableResult
    static func checkNight(_ acube: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (
        pages: Int, fast: Int
    ) {
        var data: [String: AcubeData] = [:]
        var fast = 0
        let pages = try Self.pages(in: acube)
        for page in pages {
            let start = data[page.pem] ?? AcubeData(pem: page.pem)
            let verdict = check(page.bytes, start: start, path: page.path, sourceLocation: sourceLocation)
            // Every page the tree path reads without a diagnostic is ordinary here.
            #expect(verdict.fastTaken == verdict.treeClean, "\(page.path)", sourceLocation: sourceLocation)
            if verdict.fastTaken { fast += 1 }
            var next = start
            _ = AcubeExportReader.readTree(
                page.bytes, kind: .acubeReceipts, displayPath: page.path, timeZone: .rome, into: &next)
            data[page.pem] = next
        }
        return (pages.count, fast)
    }

    static func generatedNight(seed: UInt64) throws -> URL {
        var settings = NightGenerator.Settings()
        settings.sales = 6000
        settings.pems = 2
        settings.terminals = 4
        settings.seed = seed
        settings.receiptMissing = 0.02
        settings.clientOutage = 1
        settings.platformOutage = 1
        settings.orphansPerPem = 3
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-acube-scan-\(UUID().uuidString)")
        try NightGenerator(settings: settings).write(to: directory)
        return directory
    }

    @Test(arguments: [UInt64(2), 13, 77])
    func everyGeneratedPageTakesTheFastPath(seed: UInt64) throws {
        let directory = try Self.generatedNight(seed: seed)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (pages, fast) = try Self.checkNight(directory.appendingPathComponent("acube"))
        #expect(pages >= 4, "seed \(seed): several pages per PEM")
        #expect(fast == pages, "seed \(seed)")
    }

    @Test func theSamplePagesTakeTheFastPath() throws {
        let (pages, fast) = try Self.checkNight(
            Self.packageRoot.appendingPathComponent("Samples/night-2026-11-21/acube"))
        #expect(pages == 3)
        #expect(fast == 3)
    }

    @Test(arguments: ["valid-mixed", "invalid-acube"])
    func theFixturePagesKeepTheContract(_ night: String) throws {
        let (pages, fast) = try Self.checkNight(
            Self.packageRoot.appendingPathComponent("Tests/QuadraCoreTests/Fixtures/nights/\(night)/acube"))
        #expect(pages == 1)
        #expect(fast == (night == "valid-mixed" ? 1 : 0))
    }

    // MARK: - Ordinary shapes and the lenient reads LenientFields makes

    @Test func anOrdinaryPageGivesItsReceiptsWithTheLinesOfTheirBraces() throws {
        let verdict = Self.check(
            Self.page([Self.sale(), Self.sale(Self.u2, "30.00", at: "2026-11-21T10:15:24")]), .fast)
        #expect(verdict.receipts.map(\.uuid) == [Self.u1, Self.u2])
        #expect(verdict.receipts.map(\.source.line) == [2, 3])
        #expect(verdict.receipts.map(\.source.file) == [Self.path, Self.path])
        #expect(verdict.receipts.first?.totalAmount == Money(cents: 1250))
        #expect(verdict.receipts.first?.documentNumber == "0001-0001")
        #expect(verdict.receipts.first?.parentUuid == nil)
        // 10:00:04 in Rome in November is 09:00:04 UTC.
        #expect(verdict.receipts.first?.documentAt == TimestampParser.parseAbsolute("2026-11-21T09:00:04Z"))
    }

    @Test func emptyAndMinimalPages() {
        Self.check(#"{"members":[]}"#, .fast)
        Self.check(#"{"members":[],"total":0,"page":1,"size":100}"#, .fast)
        Self.check(
            #"{"members":[{"uuid":"a","type":"void","document_datetime":"2026-11-21T10:00:00"}]}"#, .fast)
    }

    @Test(arguments: [
        // Numbers where strings are usual: `optionalText` gives a number's text.
        #""total_amount":12.5"#, #""total_amount":12"#, #""total_amount":-0.50"#, #""total_amount":12.500"#,
        #""document_number":17"#, #""document_number":1.5e3"#, #""uuid":12345"#, #""parent_receipt_uuid":9"#,
        #""uuid":1E5"#,
        // Missing, null, false, true and "" are all "no text" for the optional fields.
        #""total_amount":null"#, #""total_amount":"""#, #""total_amount":false"#, #""document_number":"""#,
        #""document_number":null"#, #""document_number":true"#, #""parent_receipt_uuid":"""#,
        #""parent_receipt_uuid":"0B7E1C1A-0001-4000-8000-00000000000F""#, #""parent_receipt_uuid":"P-1""#,
        // Case: uuid and parent are lowered, `type` is matched ignoring case.
        #""uuid":"0B7E1C1A-0001-4000-8000-0000000000AB""#, #""uuid":"U-1""#, #""type":"SALE""#, #""type":"Void""#,
        #""type":"RETURN""#,
        // Amounts `Money.parse` reads.
        #""total_amount":"7""#, #""total_amount":"7.5""#, #""total_amount":"-3.20""#, #""total_amount":"0.000""#,
        // Timestamps: with an offset, Z, a space, no seconds, fractions, the autumn hour that happens twice.
        #""document_datetime":"2026-11-21T10:00:04+01:00""#, #""document_datetime":"2026-11-21T10:00:04Z""#,
        #""document_datetime":"2026-11-21 10:00:04""#, #""document_datetime":"2026-11-21T10:00""#,
        #""document_datetime":"2026-11-21T10:00:04.5""#, #""document_datetime":"2026-10-25T02:30:00""#,
        #""document_datetime":"2026-03-29T02:30:00""#, #""document_datetime":"2026-11-21t10:00:04.123456""#,
        // Unknown keys with scalar values; keys in another case are unknown keys.
        #""extra":"x""#, #""n":-1.5E+7"#, #""b":true"#, #""z":null"#, #""UUID":"ignored""#, #""":1"#,
    ])
    func lenientFieldsAreReadAsTheTreePathReadsThem(_ field: String) {
        Self.check(Self.page([Self.sale(with: field)]), .fast)
    }

    /// An ordinary sale member with `field` (`"key":value`) in place of its key's ordinary value, or added last.
    static func sale(with field: String) -> String {
        let member = sale()
        guard let colon = field.range(of: "\":", range: field.index(after: field.startIndex)..<field.endIndex),
            let start = member.range(of: field[..<colon.upperBound])
        else { return String(member.dropLast()) + "," + field + "}" }
        let end = member[start.upperBound...].firstIndex { $0 == "," || $0 == "}" } ?? member.endIndex
        return member.replacingCharacters(in: start.lowerBound..<end, with: field)
    }

    @Test(arguments: [
        // Required fields missing, null, empty or not text.
        #"{"type":"sale","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":null,"type":"sale","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"","type":"sale","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":true,"type":"sale","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"refund","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":1,"document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"sale "#,
        #"{"uuid":"a","type":"sale"}"#,
        #"{"uuid":"a","type":"sale","document_datetime":null}"#,
        #"{"uuid":"a","type":"sale","document_datetime":""}"#,
        #"{"uuid":"a","type":"sale","document_datetime":"2026-11-21"}"#,
        #"{"uuid":"a","type":"sale","document_datetime":"2026-02-30T10:00:00"}"#,
        #"{"uuid":"a","type":"sale","document_datetime":"2026-11-21T10:00+01:00"}"#,
        #"{"uuid":"a","type":"sale","document_datetime":20261121}"#,
        // Amounts `Money.parse` refuses.
        #"{"uuid":"a","type":"sale","total_amount":"12,50","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"sale","total_amount":"12.501","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"sale","total_amount":"€12","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"sale","total_amount":1e3,"document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"sale","total_amount":" 1","document_datetime":"2026-11-21T10:00:00"}"#,
        #"{"uuid":"a","type":"sale","total_amount":"1234567890123456","document_datetime":"2026-11-21T10:00:00"}"#,
        // A key given twice (the whole page is rejected).
        #"{"uuid":"a","type":"sale","document_datetime":"2026-11-21T10:00:00","uuid":null}"#,
        #"{"uuid":"a","type":"sale","document_datetime":"2026-11-21T10:00:00","type":"x"}"#,
        // Not an object, or empty.
        "{}", "[]", "1", #""a""#, "null",
    ])
    func aMemberTheTreePathRejectsSendsThePageThere(_ member: String) {
        Self.check(Self.page([Self.sale(), member]), .rejected)
    }

    /// A key given twice in any object of the page (a member, the page, a value) makes the page bad JSON for the tree
    /// path, which skips the whole file; the fast path leaves it there (the last value used to win silently).
    @Test func aRepeatedKeyRejectsThePageWhole() throws {
        for key in ["uuid", "type", "total_amount", "document_number", "document_datetime", "parent_receipt_uuid"] {
            let field = Self.sale().components(separatedBy: ",").first { $0.contains("\"\(key)\":") }
            let raw = try #require(
                field?.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))
            Self.check(Self.page([Self.sale(Self.u2), String(Self.sale().dropLast()) + "," + raw + "}"]), .rejected)
            Self.check(Self.page([Self.sale(Self.u2), "{" + raw + "," + Self.sale().dropFirst()]), .rejected)
        }
        for extra in [
            #""x":1,"x":1"#, #""x":1,"x":null"#, #""":1,"":2"#, #""x":{"a":1,"a":1}"#, #""x":[{"b":1,"b":2}]"#,
        ] {
            Self.check(Self.page([String(Self.sale().dropLast()) + "," + extra + "}"]), .rejected)
        }
        Self.check(Self.page([String(Self.sale().dropLast()) + #","x":1,"X":1,"x ":1}"#]), .fast)
        let second = Self.sale(Self.u2)
        let verdict = Self.check("{\"members\":[\(Self.sale())],\n\"members\":[\n\(second)]}", .rejected)
        #expect(verdict.receipts.isEmpty)
        Self.check("{\"members\":[\(Self.sale())],\"members\":null}", .rejected)
        Self.check("{\"members\":[\(Self.sale())],\"total\":1,\"total\":1}", .rejected)
        Self.check("{\"members\":[\(Self.sale())],\"page\":{\"n\":1,\"n\":1}}", .rejected)
        // Escapes and UTF-8 take the tree path, which compares the decoded keys.
        Self.check(Self.page([String(Self.sale().dropLast()) + #","\u0075uid":"x"}"#]), .rejected)
        Self.check(Self.page([String(Self.sale().dropLast()) + #","é":1,"\u00e9":1}"#]), .rejected)
        // More keys than the fast path follows: the tree path decides.
        let many = (0..<JSONObjectKeys.capacity).map { #","k\#($0)":\#($0)"# }.joined()
        Self.check(Self.page([String(Self.sale().dropLast()) + many + "}"]), .fast)
        Self.check(Self.page([String(Self.sale().dropLast()) + many + #","k":0}"#]), .deferred)
        Self.check(Self.page([String(Self.sale().dropLast()) + many + #","k":0,"k9":0}"#]), .rejected)
        // What the night reader says: the file, the line and the key.
        var data = AcubeData(pem: "E1")
        let page = Self.page([Self.sale(Self.u2), String(Self.sale().dropLast()) + #","type":"void"}"#])
        let result = AcubeExportReader.read(
            Array(page.utf8), kind: .acubeReceipts, displayPath: Self.path, timeZone: .rome, into: &data)
        let column = Self.sale().utf8.count + 1
        #expect(
            result.diagnostics.map(\.description) == [
                "\(Self.path):3: bad JSON at line 3, column \(column): the key \"type\" appears twice in one object: "
                    + "expected each key once; the whole file is skipped"
            ])
        #expect(data.receipts.isEmpty)
    }

    @Test func aUuidListedTwiceKeepsItsFirstReceipt() {
        let verdict = Self.check(
            Self.page([
                Self.sale(Self.u1, "1.00"), Self.sale(Self.u2), Self.sale(Self.u1, "2.00"),
                Self.sale(Self.u1.uppercased(), "3.00"),
                #"{"uuid":"T","type":"sale","document_datetime":"2026-11-21T10:00:00"}"#,
                #"{"uuid":"t","type":"void","document_datetime":"2026-11-21T11:00:00"}"#,
            ]), .fast)
        #expect(verdict.receipts.map(\.uuid) == [Self.u1, Self.u2, "t"])
        #expect(verdict.receipts.first?.totalAmount == Money(cents: 100))
        #expect(verdict.receipts.last?.kind == .sale)
    }

    @Test func aUuidAlreadyHeldKeepsItsEarlierReceipt() {
        var start = AcubeData(pem: "E1")
        _ = AcubeExportReader.readTree(
            Array(
                Self.page([
                    Self.sale(Self.u1, "9.99"),
                    #"{"uuid":"w","type":"void","document_datetime":"2026-11-21T09:00:00"}"#,
                ]).utf8),
            kind: .acubeReceipts, displayPath: "acube/E1/receipts-0.json", timeZone: .rome, into: &start)
        let verdict = Self.check(
            Self.page([
                Self.sale(Self.u1, "1.00"), Self.sale(Self.u2),
                #"{"uuid":"W","type":"sale","document_datetime":"2026-11-21T10:00:00"}"#,
            ]),
            .fast, start: start)
        #expect(verdict.receipts.map(\.uuid) == [Self.u1, "w", Self.u2])
        #expect(verdict.receipts.first?.totalAmount == Money(cents: 999))
        #expect(verdict.receipts.first?.source.file == "acube/E1/receipts-0.json")
    }

    /// Local times every 17 minutes over twelve days around the zones' changes, with a few times that take the
    /// parser's other branches in between, and times before and after the zone's table of changes.
    @Test(arguments: [
        "Europe/Rome", "America/New_York", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu",
        "Pacific/Chatham", "America/Sao_Paulo", "UTC",
    ])
    func localTimesAroundTheZonesChangesAreReadAsTheTreePathReadsThem(identifier: String) throws {
        let zone = try #require(FiscalTimeZone(identifier: identifier))
        let starts = ["2026-03-26", "2026-09-24", "2026-10-22", "1970-01-01", "2199-12-26"]
        for startText in starts {
            let start = try #require(FiscalDay.parse(Substring(startText)))
            var members: [String] = []
            for step in 0..<1000 {
                let minutes = step * 17
                let day = FiscalDay(daysSinceEpoch: start.daysSinceEpoch + minutes / 1440)
                let time = String(format: "%02d:%02d:%02d", minutes % 1440 / 60, minutes % 60, step % 60)
                var text = "\(day)T\(time)"
                switch step % 50 {
                case 7: text += ".250"
                case 19: text += "+05:30"
                case 31: text = "\(day) \(time.prefix(5))"
                default: break
                }
                members.append(#"{"uuid":"u-\#(step)","type":"sale","document_datetime":"\#(text)"}"#)
            }
            Self.check(Array(Self.page(members).utf8), .fast, zone: zone)
        }
        Self.check(
            Array(Self.page([#"{"uuid":"a","type":"sale","document_datetime":"1969-12-31T23:30:00"}"#]).utf8), .fast,
            zone: zone)
    }

    // MARK: - Layouts

    @Test func whiteSpaceAnywhereAndMembersSpanningLines() {
        let pretty = """
            {
              "members" : [
                {
                  "uuid" : "\(Self.u1)",
                  "type" : "sale",
                  "total_amount" : "1.00",
                  "document_datetime" : "2026-11-21T10:00:00"
                } ,
            \t{ "uuid":"\(Self.u2)",\r
            "type":"void",
            \r\n"document_datetime":
            "2026-11-21T10:00:00"},{"uuid":"c","type":"return","document_datetime":"2026-11-21T10:00:00"}
              ] ,
              "total" : 3 , "links" : { "next" : null , "list" : [ 1 , [ ] , { } , "x" , true , -0.5e-3 ] }
            }


            """
        let verdict = Self.check(pretty, .fast)
        #expect(verdict.receipts.map(\.source.line) == [3, 9, 13])
        Self.check(" \t\r\n" + Self.page([Self.sale()]) + "\r\n \t", .fast)
        Self.check("{\"total\":1,\n\n\"members\":[\(Self.sale())]}", .fast)
        Self.check(Self.page([Self.sale()]).replacingOccurrences(of: "\n", with: "\r\n"), .fast)
        Self.check(Self.page([Self.sale()]).replacingOccurrences(of: "\n", with: "\r"), .fast)
    }

    @Test func unusualButReadablePagesTakeTheTreePath() {
        let escaped = Self.sale().replacingOccurrences(of: "0001-0001", with: #"0001\/0001"#)
        Self.check(Self.page([escaped]), .deferred)
        Self.check(Self.page([Self.sale().replacingOccurrences(of: "0001-0001", with: "n°1")]), .deferred)
        Self.check(Self.page([Self.sale().replacingOccurrences(of: "0001-0001", with: #"\u00e8"#)]), .deferred)
        Self.check(Self.page([String(Self.sale().dropLast()) + #","items":[{"vat":"22.00"}]}"#]), .deferred)
        Self.check(Self.page([String(Self.sale().dropLast()) + #","meta":{}}"#]), .deferred)
        Self.check(Self.page([Self.sale()]).replacingOccurrences(of: "\"total\"", with: "\"t\\u006ftal\""), .deferred)
        Self.check(#"{"name":"é","members":[\#(Self.sale())]}"#, .deferred)
        Self.check("[\(Self.sale())]", .deferred)
        Self.check("\u{FEFF}" + Self.page([Self.sale()]), .rejected)
        // Deep but legal nesting next to the members.
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        Self.check(#"{"members":[\#(Self.sale())],"deep":\#(deep)}"#, .deferred)
        let tooDeep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        Self.check(#"{"members":[\#(Self.sale())],"deep":\#(tooDeep)}"#, .rejected)
    }

    @Test func brokenPagesTakeTheTreePath() {
        let page = Self.page([Self.sale(), Self.sale(Self.u2)])
        for length in stride(from: 0, to: page.utf8.count - 1, by: 1) {
            Self.check(Array(page.utf8.prefix(length)), .rejected)
        }
        for garbage in ["x", "{}", ",", "]", "\0", "null", #""a""#] {
            Self.check(page + garbage, .rejected)
        }
        Self.check(#"{"members":[\#(Self.sale())],}"#, .rejected)
        Self.check(#"{"members":[\#(Self.sale()),]}"#, .rejected)
        Self.check(#"{"members":[\#(Self.sale())] "total":1}"#, .rejected)
        Self.check(#"{"members":[\#(String(Self.sale().dropLast())),}]}"#, .rejected)
        Self.check(#"{"total":1}"#, .rejected)
        Self.check("{}", .rejected)
        Self.check("", .rejected)
        Self.check("null", .rejected)
        Self.check(#"{"members":{}}"#, .rejected)
        Self.check(#"{"members":"x"}"#, .rejected)
        Self.check(#"{"members":[],"total":01}"#, .rejected)
        Self.check(#"{"members":[],"total":tru}"#, .rejected)
        Self.check(Self.page([Self.sale().replacingOccurrences(of: "0001-0001", with: "a\tb")]), .rejected)
        Self.check(Self.page([Self.sale().replacingOccurrences(of: "0001-0001", with: "a\nb")]), .rejected)
        Self.check(Self.page([Self.sale().replacingOccurrences(of: "0001-0001", with: #"a\qb"#)]), .rejected)
        Self.check(Array(Self.page([Self.sale()]).utf8) + [0xFF], .rejected)
    }

    // MARK: - Random members and mutations

    /// One random member: each known key missing, repeated, or given a value of a kind the lenient reader
    /// handles, well or not; unknown keys; random white space.
    static func randomMember(_ random: inout SplitMix64, uuids: [String]) -> String {
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        func space() -> String { random.chance(0.8) ? "" : pick([" ", "\n", "\t", "\r\n", "  \n  "]) }
        var pairs: [(String, String)] = []
        let uuidValues = uuids.map { "\"\($0)\"" } + ["null", "\"\"", "17", "true"]
        let typeValues = [#""sale""#, #""sale""#, #""void""#, #""return""#, #""Sale""#, #""refund""#, "1", "null"]
        let totals = [#""1.00""#, #""12.5""#, "3.25", "4", #""""#, "null", #""x""#, "1e2", #""9.999""#, "false"]
        let numbers = [#""0001-0002""#, "12", #""""#, "null", "[]", #""N\/1""#]
        let times = [
            #""2026-11-21T10:00:00""#, #""2026-11-21 23:59:59.9""#, #""2026-11-21T10:00:00+02:00""#,
            #""2026-13-01T10:00:00""#, "null", #""2026-10-25T02:15""#,
        ]
        let parents = uuids.map { "\"\($0)\"" } + ["null", #""""#, "5"]
        let others = ["1", #""x""#, "null", "-0", "{}", #"{"a":[1]}"#, #""é""#]
        // Each key's first value is ordinary; the others come one time in ten.
        func value(_ values: [String]) -> String { random.chance(0.9) ? values[0] : pick(values) }
        for (key, values, present) in [
            ("uuid", uuidValues, 0.97), ("type", typeValues, 0.97), ("total_amount", totals, 0.8),
            ("document_number", numbers, 0.6), ("document_datetime", times, 0.97),
            ("parent_receipt_uuid", parents, 0.4),
            ("other", others, 0.3),
        ] where random.chance(present) {
            pairs.append((key, value(values)))
            if random.chance(0.05) { pairs.append((key, pick(values))) }
        }
        // Shuffle a little: keys in any order.
        for index in pairs.indices.reversed() where index > 0 && random.chance(0.3) {
            pairs.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        let body = pairs.map { "\(space())\"\($0.0)\"\(space()):\(space())\($0.1)\(space())" }.joined(separator: ",")
        return "{" + body + "}"
    }

    @Test func randomMembersKeepTheContract() {
        var random = SplitMix64(seed: 20_261_122)
        let uuids = [Self.u1, Self.u2, Self.u1.uppercased(), "u-1", "U-1"]
        var counts = (fast: 0, deferred: 0, rejected: 0)
        for _ in 0..<3000 {
            let count = 1 + Int(random.next() % 3)
            let members = (0..<count).map { _ in Self.randomMember(&random, uuids: uuids) }
            let verdict = Self.check(Self.page(members))
            switch (verdict.treeClean, verdict.fastTaken) {
            case (true, true): counts.fast += 1
            case (true, false): counts.deferred += 1
            default: counts.rejected += 1
            }
        }
        #expect(counts.fast > 1000, "\(counts)")
        #expect(counts.rejected > 600, "\(counts)")
        // (Fewer are deferred since a repeated key, which they may hold, is rejected.)
        #expect(counts.deferred > 50, "\(counts)")
    }

    /// Bytes that matter to JSON and to the fast path's shortcuts.
    static let alphabet: [UInt8] =
        Array(#"{}[]":,\ 0123456789-+.eEtrufalsnTZ"#.utf8) + [0x09, 0x0A, 0x0D, 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]

    /// Whole tokens: valid escapes and UTF-8 (the tree path reads them), values, members.
    static let tokens: [[UInt8]] = [
        #"\n"#, #"\u0041"#, #"\\"#, #"\""#, #"\/"#, "é", "€", "😀", " ", "\n", "null", "true", "-0", "1e3", "0.5",
        "{}", "[]", #""""#, #""x":1,"#, #""x":[],"#, #","total_amount":null"#, #""type":"Void","#,
    ].map { Array($0.utf8) }

    static func mutate(_ page: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        func pick(_ count: Int) -> Int { Int(random.next() % UInt64(max(count, 1))) }
        var page = page
        switch random.next() % 8 {
        case 6:
            page.insert(contentsOf: tokens[pick(tokens.count)], at: pick(page.count + 1))
        case 0 where !page.isEmpty:
            page.remove(at: pick(page.count))
        case 1:
            page.insert(alphabet[pick(alphabet.count)], at: pick(page.count + 1))
        case 2 where !page.isEmpty:
            page[pick(page.count)] = alphabet[pick(alphabet.count)]
        case 3:
            page = Array(page.prefix(pick(page.count)))
        case 4 where !page.isEmpty:
            // Change a digit or a letter by one, which keeps the shape but changes the value.
            let index = pick(page.count)
            page[index] = page[index] &+ (random.chance(0.5) ? 1 : 0xFF)
        case 5:
            // Duplicate a member (a line of the page), after itself or elsewhere.
            var lines = page.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let members = lines.indices.filter {
                lines[$0].first == UInt8(ascii: "{") && lines[$0].last == UInt8(ascii: ",")
            }
            guard !members.isEmpty else { break }
            lines.insert(lines[members[pick(members.count)]], at: 1 + pick(lines.count - 1))
            page = Array(lines.joined(separator: [0x0A]))
        default:
            // Duplicate a run of bytes.
            guard !page.isEmpty else { break }
            let start = pick(page.count)
            let end = min(page.count, start + 1 + pick(16))
            page.insert(contentsOf: page[start..<end], at: pick(page.count + 1))
        }
        return page
    }

    @Test func seededMutationsKeepTheContract() {
        let seed = Array(
            Self.page([
                Self.sale(), Self.sale(Self.u2, "30.00", at: "2026-11-21T10:15:24"),
                #"{"uuid":"0b7e1c1a-0003-4000-8000-000000000003","type":"void","total_amount":null,"document_number":"0001-0003","document_datetime":"2026-11-21T11:00:00","parent_receipt_uuid":"\#(Self.u2)"}"#,
                #"{"uuid":"0b7e1c1a-0004-4000-8000-000000000004","type":"return","total_amount":7,"document_datetime":"2026-11-21 12:00","parent_receipt_uuid":"\#(Self.u1)"}"#,
                Self.sale(Self.u1, "1.00"),
            ]).utf8)
        Self.check(seed, .fast)
        var random = SplitMix64(seed: 20_261_121)
        var counts = (fast: 0, deferred: 0, rejected: 0)
        for _ in 0..<4000 {
            var page = seed
            let mutations = random.chance(0.5) ? 1 : 2 + random.next() % 3
            for _ in 0..<mutations { page = Self.mutate(page, &random) }
            let verdict = Self.check(page)
            switch (verdict.treeClean, verdict.fastTaken) {
            case (true, true): counts.fast += 1
            case (true, false): counts.deferred += 1
            default: counts.rejected += 1
            }
        }
        // The mutations reach both sides of the contract.
        #expect(counts.fast > 600, "\(counts)")
        #expect(counts.rejected > 2000, "\(counts)")
        #expect(counts.deferred > 30, "\(counts)")
    }
}
