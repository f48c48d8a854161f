import QuadraTestSupport
import Testing

@testable import QuadraCore

private func money(_ cents: Int64) -> Money { Money(cents: cents) }

private func vat(_ code: String) -> VatCode {
    guard let value = VatCode(code) else { fatalError("bad VAT code in a test: \(code)") }
    return value
}

@Suite struct ValueTypesTests {
    // MARK: - Money

    @Test func moneyParsesExactCents() {
        #expect(Money.parse("12.50") == money(1250))
        #expect(Money.parse("12.5") == money(1250))
        #expect(Money.parse("12") == money(1200))
        #expect(Money.parse("0.05") == money(5))
        #expect(Money.parse("12.05") == money(1205))
        #expect(Money.parse("-3.20") == money(-320))
        // Extra decimals only when they are zeros.
        #expect(Money.parse("12.500") == money(1250))
        #expect(Money.parse("12.505") == nil)
        #expect(Money.parse("12.5001") == nil)
    }

    @Test func moneyCommaOnlyWhenAllowed() {
        #expect(Money.parse("12,50") == nil)
        #expect(Money.parse("12,50", allowComma: true) == money(1250))
        #expect(Money.parse("12.50", allowComma: true) == money(1250))
    }

    @Test(arguments: ["", "-", ".50", "12.", "1 2", "+1", "12.5x", "1e2", "12,5,0", "€12"])
    func moneyRejects(_ text: String) {
        #expect(Money.parse(text, allowComma: true) == nil)
    }

    @Test func moneyDescription() {
        #expect(money(0).description == "0.00")
        #expect(money(7).description == "0.07")
        #expect(money(1250).description == "12.50")
        #expect(money(123_456).description == "1234.56")
        #expect(money(-5).description == "-0.05")
        #expect(money(-1250).description == "-12.50")
        #expect((money(1000) - money(1234)).description == "-2.34")
    }

    // MARK: - Timestamps

    @Test func timestampsWithOffsets() {
        let utc = NightBuilder.instant("2026-11-21T18:02:00Z")
        #expect(TimestampParser.parse("2026-11-21T19:02:00+01:00") == .absolute(utc))
        #expect(TimestampParser.parse("2026-11-21T18:02:00z") == .absolute(utc))
        #expect(TimestampParser.parse("2026-11-21T12:32:00-05:30") == .absolute(utc))
        #expect(TimestampParser.parse("2026-11-21 19:02:00+01:00") == .absolute(utc))
        #expect(TimestampParser.parse("2026-11-21T18:02:00.5Z") == .absolute(Instant(millis: utc.millis + 500)))
        #expect(TimestampParser.parse("2026-11-21T18:02:00.123456Z") == .absolute(Instant(millis: utc.millis + 123)))
        #expect(TimestampParser.parse("2026-11-21T18:02:00.07+00:00") == .absolute(Instant(millis: utc.millis + 70)))
        #expect(utc.millis == 1_795_284_120_000)
    }

    @Test func naiveTimestampsAreLocal() {
        #expect(
            TimestampParser.parse("2026-11-21 19:02")
                == .local(CivilDateTime(year: 2026, month: 11, day: 21, hour: 19, minute: 2)))
        #expect(
            TimestampParser.parse("2026-11-21T19:02:07")
                == .local(CivilDateTime(year: 2026, month: 11, day: 21, hour: 19, minute: 2, second: 7)))
        #expect(
            TimestampParser.parse("2028-02-29T10:00:00.250")
                == .local(CivilDateTime(year: 2028, month: 2, day: 29, hour: 10, millisecond: 250)))
        #expect(TimestampParser.parseAbsolute("2026-11-21T19:02:00") == nil)
    }

    @Test(arguments: [
        "2026-02-30T10:00:00Z", "2026-02-29 10:00", "2026-13-01T10:00:00Z", "2026-11-31 10:00",
        "2026-11-21T24:00:00Z", "2026-11-21T19:60:00Z", "2026-11-21T19:02:60Z",
        "2026-11-21T19:02+01:00", "2026-11-21T19:02:00+0100", "2026-11-21T19:02:00+24:00",
        "2026-11-21T19:02:00.Z", "2026-11-21T19:02:00Z ", "2026-11-21", "2026/11/21 19:02", "26-11-21T19:02:00Z",
    ])
    func timestampRejects(_ text: String) {
        #expect(TimestampParser.parse(text) == nil)
    }

    // MARK: - Fiscal time zone

    @Test func springGapReadsWithTheOffsetBeforeTheChange() {
        let zone = FiscalTimeZone.rome
        // 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
        let gap = zone.instant(forLocal: CivilDateTime(year: 2026, month: 3, day: 29, hour: 2, minute: 30))
        #expect(gap == NightBuilder.instant("2026-03-29T01:30:00Z"))
        #expect(zone.format(gap) == "2026-03-29T03:30:00+02:00")
        #expect(zone.startOfDay(NightBuilder.day("2026-03-29")) == NightBuilder.instant("2026-03-28T23:00:00Z"))
    }

    @Test func autumnOverlapTakesTheEarlierInstant() {
        let zone = FiscalTimeZone.rome
        let twice = zone.instant(forLocal: CivilDateTime(year: 2026, month: 10, day: 25, hour: 2, minute: 30))
        #expect(twice == NightBuilder.instant("2026-10-25T00:30:00Z"))
        #expect(zone.format(NightBuilder.instant("2026-10-25T00:30:00Z")) == "2026-10-25T02:30:00+02:00")
        #expect(zone.format(NightBuilder.instant("2026-10-25T01:30:00Z")) == "2026-10-25T02:30:00+01:00")
        #expect(zone.startOfDay(NightBuilder.day("2026-10-25")) == NightBuilder.instant("2026-10-24T22:00:00Z"))
    }

    @Test func ordinaryLocalTimesAndFiscalDays() {
        let zone = FiscalTimeZone.rome
        #expect(
            zone.instant(forLocal: CivilDateTime(year: 2026, month: 11, day: 21, hour: 19, minute: 2))
                == NightBuilder.instant("2026-11-21T18:02:00Z"))
        #expect(
            zone.instant(forLocal: CivilDateTime(year: 2026, month: 7, day: 1, hour: 12))
                == NightBuilder.instant("2026-07-01T10:00:00Z"))
        #expect(zone.fiscalDay(of: NightBuilder.instant("2026-11-21T22:59:59Z")) == NightBuilder.day("2026-11-21"))
        #expect(zone.fiscalDay(of: NightBuilder.instant("2026-11-21T23:30:00Z")) == NightBuilder.day("2026-11-22"))
        #expect(zone.fiscalDay(of: NightBuilder.instant("2026-07-01T22:30:00Z")) == NightBuilder.day("2026-07-02"))
    }

    // MARK: - VAT codes

    @Test func vatCodesNormalise() {
        #expect(VatCode("22")?.code == "22.00")
        #expect(VatCode("22,00")?.code == "22.00")
        #expect(VatCode("22.0")?.code == "22.00")
        #expect(VatCode("4")?.code == "4.00")
        #expect(VatCode("22.00")?.rateHundredths == 2200)
        #expect(VatCode("n3")?.code == "N3")
        #expect(VatCode("N3")?.isNatura == true)
        #expect(VatCode("N3")?.rateHundredths == nil)
    }

    @Test(arguments: ["23.00", "0.00", "-22", "22.001", "N0", "N7", "N", "N12", "X1", "", "22%"])
    func vatCodesRejected(_ text: String) {
        #expect(VatCode(text) == nil)
    }

    @Test func aDateIsValidExactlyWhenItsDayNumberGivesItBack() {
        // The calendar rule against the round trip through the day number, over four centuries and more.
        for year in [-401, -400, -100, -4, -1, 0, 1, 4, 100, 1582, 1900, 2000, 2024, 2026, 2100, 2400, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    let date = FiscalDay(year: year, month: month, day: day)
                    let roundTrip =
                        (1...12).contains(month) && day >= 1
                        && FiscalDay(daysSinceEpoch: date.daysSinceEpoch) == date
                    #expect(date.isValid == roundTrip, "\(year)-\(month)-\(day)")
                }
            }
        }
    }

    @Test func everyVatCodeHasItsOwnListedIndex() {
        // The spill writes a VAT code as its index in `listed`: every code must come back as itself.
        #expect(VatCode.listed.count == VatCode.acubeRates.count + 6)
        for (index, code) in VatCode.listed.enumerated() {
            #expect(code.listedIndex == index)
            #expect(VatCode(code.code) == code)
        }
        for text in ["22", "4,00", "n1", "N6", "7.65", "12.3"] {
            let code: VatCode? = VatCode(text)
            #expect(code != nil, "\(text) is a listed code")
            #expect(code.map { VatCode.listed[$0.listedIndex] } == code)
        }
    }

    @Test func vatCodesSortByText() {
        #expect(
            [vat("4.00"), vat("N2"), vat("22.00"), vat("10.00")].sorted().map(\.code) == [
                "10.00", "22.00", "4.00", "N2",
            ])
    }

    // MARK: - JSON parser

    private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    private func failure(_ bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func failure(_ text: String) -> JSONParseError? { failure(Array(text.utf8)) }

    @Test func jsonKeepsNumbersAsText() throws {
        let value = try parse(#"{"a": 12.50, "b": 1e3, "c": -0, "d": 12345678901234567890123, "e": 3000}"#)
        let object = try #require(value.objectValue)
        #expect(object["a"] == .number("12.50"))
        #expect(object["b"] == .number("1e3"))
        #expect(object["c"] == .number("-0"))
        #expect(object["d"] == .number("12345678901234567890123"))
        #expect(object["e"]?.int64Value == 3000)
        #expect(object["a"]?.int64Value == nil)
    }

    @Test func jsonStringsAndSurrogatePairs() throws {
        #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parse(#""caff\u00E8 \"x\" \\ \/ \t""#) == .string("caffè \"x\" \\ / \t"))
        #expect(try parse("\"caffè\"") == .string("caffè"))
    }

    @Test func jsonRejectsTrailingCommas() {
        #expect(failure("[1,2,]") == JSONParseError(message: "expected a value, found ']'", line: 1, column: 6))
        #expect(
            failure(#"{"a":1,}"#)
                == JSONParseError(message: "expected a member name in double quotes", line: 1, column: 8))
    }

    @Test func jsonRejectsLeadingZerosAndBadNumbers() {
        #expect(failure("01")?.message == "a number may not start with 0")
        #expect(failure("-01")?.message == "a number may not start with 0")
        #expect(failure("1.")?.message == "a number needs digits after '.'")
        #expect(failure("-")?.message == "a number needs digits")
        #expect(failure("1e")?.message == "a number needs exponent digits")
        #expect(failure("+1")?.message == "expected a value, found '+'")
    }

    @Test func jsonRejectsBadEscapes() {
        #expect(
            failure(#""a\x""#) == JSONParseError(message: "unknown escape 'x' after a backslash", line: 1, column: 4))
        #expect(failure(#""\u12G4""#)?.message == #"bad \u escape"#)
        #expect(failure(#""\uD83D""#)?.message == #"a \u escape names half of a surrogate pair"#)
        #expect(failure(#""\uDE00x""#)?.message == #"a \u escape names half of a surrogate pair"#)
        #expect(failure(#""\uD83D\u0041""#)?.message == #"a \u escape names half of a surrogate pair"#)
    }

    @Test func jsonRejectsInvalidUTF8InsideAString() {
        #expect(
            failure([0x22, 0xC3, 0x28, 0x22])
                == JSONParseError(message: "a string is not valid UTF-8", line: 1, column: 2))
        #expect(failure([0x22, 0x80, 0x22])?.message == "a string is not valid UTF-8")
        // An overlong encoding of '/'.
        #expect(failure([0x22, 0xC0, 0xAF, 0x22])?.message == "a string is not valid UTF-8")
        #expect(failure([0xFF])?.message == "expected a value, found byte 0xFF")
    }

    @Test func jsonRejectsControlCharactersInStrings() {
        #expect(
            failure([0x22, 0x61, 0x01, 0x22])
                == JSONParseError(
                    message: "control character byte 0x01 inside a string: escape it", line: 1, column: 3))
        #expect(failure("\"a\tb\"")?.message == "control character byte 0x09 inside a string: escape it")
        #expect(failure("\"a\nb\"")?.message == "control character byte 0x0A inside a string: escape it")
    }

    @Test func jsonLimitsNesting() throws {
        let deepest = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try parse(deepest).arrayValue?.count == 1)
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(failure(tooDeep) == JSONParseError(message: "nested deeper than 256 levels", line: 1, column: 257))
    }

    @Test func jsonErrorsNameLineAndColumn() {
        let error = failure("{\n  \"a\": 01\n}")
        #expect(error == JSONParseError(message: "a number may not start with 0", line: 2, column: 9))
        #expect(error?.description == "bad JSON at line 2, column 9: a number may not start with 0")
        #expect(failure("{} x") == JSONParseError(message: "unexpected text after the JSON value", line: 1, column: 4))
        #expect(failure("[1, 2") == JSONParseError(message: "the text ends inside an array", line: 1, column: 6))
        #expect(failure("\"abc")?.message == "the text ends inside a string")
        #expect(failure("tru")?.message == "expected true")
        do {
            _ = try JSONParser.parse(Array("[\n1,\n]".utf8), firstLine: 7)
            Issue.record("parsed a trailing comma")
        } catch {
            #expect(error.line == 9)
            #expect(error.column == 1)
        }
    }

    @Test func jsonObjectKeepsTheLineWhereItStarts() throws {
        let value = try parse("[\n{\"a\":1},\n\n  {\"b\":2}]")
        let lines = try #require(value.arrayValue).compactMap { $0.objectValue?.line }
        #expect(lines == [2, 4])
    }

    // MARK: - POS event decoder

    /// The decoder's message for one JSON Lines record, or nil when it decodes.
    private func rejection(_ line: String) throws -> String? {
        let value = try JSONParser.parse(Array(line.utf8))
        do {
            _ = try PosEventDecoder.decode(value)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func decoderNamesAMissingKey() throws {
        #expect(
            try rejection(#"{"ts":"2026-11-21T10:00:00+01:00","event":"sale","terminal":"T1"}"#)
                == #"missing required key "sale""#)
        #expect(
            try rejection(#"{"ts":"2026-11-21T10:00:00+01:00","terminal":"T1","sale":"S-1"}"#)
                == #"missing required key "event""#)
        #expect(
            try rejection(
                #"{"ts":"2026-11-21T10:00:00+01:00","event":"payment_response","terminal":"T1","sale":"S-1","#
                    + #""posRefId":"R-1","success":null}"#)
                == #"missing required key "success""#)
    }

    @Test func decoderNamesABadType() throws {
        #expect(
            try rejection(
                #"{"ts":"2026-11-21T10:00:00+01:00","event":"payment_response","terminal":"T1","sale":"S-1","#
                    + #""posRefId":"R-1","success":"yes"}"#)
                == #"bad "success": expected true or false, found a string "yes""#)
        #expect(
            try rejection(
                #"{"ts":"2026-11-21T10:00:00+01:00","event":"payment_request","terminal":"T1","sale":"S-1","#
                    + #""posRefId":"R-1","kind":"purchase","amount":"3000"}"#)
                == #"bad "amount": expected a whole number of cents, found a string "3000""#)
        #expect(
            try rejection(
                #"{"ts":"2026-11-21T10:00:00+01:00","event":"payment_request","terminal":"T1","sale":"S-1","#
                    + #""posRefId":"R-1","kind":"sale","amount":3000}"#)
                == #"bad "kind": expected one of purchase, refund, cashout, moto, found "sale""#)
        #expect(
            try rejection(#"{"ts":"2026-11-21T10:00:00","event":"pos_started","terminal":"T1"}"#)
                == #"bad "ts": expected an RFC 3339 timestamp with an offset, found "2026-11-21T10:00:00""#)
        #expect(try rejection("[1]") == "expected a JSON object, found an array")
    }

    @Test func decoderRejectsAnUnknownEvent() throws {
        #expect(
            try rejection(#"{"ts":"2026-11-21T10:00:00+01:00","event":"refund","terminal":"T1","sale":"S-1"}"#)
                == #"unknown event "refund": expected one of sale, payment_request, payment_response, "#
                + "receipt_issued, receipt_failed, pos_started")
    }

    @Test func decoderChecksTheLinesAddUpToTheTotal() throws {
        let line = NightBuilder.sale(
            "S-1", at: "2026-11-21T10:00:00+01:00", total: "12.50", lines: [("22.00", "10.00"), ("10.00", "2.00")])
        #expect(try rejection(line) == #"bad "lines": the grosses add up to 12.00, expected the total 12.50"#)
        let zero = NightBuilder.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "0.00")
        #expect(try rejection(zero) == #"bad "total": expected a decimal amount above zero like "12.50", found "0.00""#)
        let badVat = NightBuilder.sale(
            "S-1", at: "2026-11-21T10:00:00+01:00", total: "1.00", lines: [("23.00", "1.00")])
        #expect(
            try rejection(badVat)
                == #"bad "lines"[0].vat: expected an A-Cube vat_rate_code like "22.00" or "N1", found "23.00""#)
    }

    @Test func decoderReadsASale() throws {
        let line = NightBuilder.sale(
            "S-1", at: "2026-11-21T10:00:00+01:00", total: "12.5", payment: "ticket",
            lines: [("22", "10.00"), ("n4", "2.50")])
        let record = try PosEventDecoder.decode(try JSONParser.parse(Array(line.utf8)))
        #expect(record.terminal == "T1")
        #expect(record.sale == "S-1")
        guard case .sale(let sale) = record.event else {
            Issue.record("not a sale: \(record.event)")
            return
        }
        #expect(sale.total == money(1250))
        #expect(sale.payment == .ticket)
        #expect(
            sale.lines == [
                VatAmount(vat: vat("22.00"), gross: money(1000)), VatAmount(vat: vat("N4"), gross: money(250)),
            ])
        #expect(sale.at == NightBuilder.instant("2026-11-21T09:00:00Z"))
    }

    // MARK: - Sale ledger (what the fold of each spilled partition applies, record by record)

    /// The ledger of `lines` (one POS log, pos/T1.jsonl) and the conflicts it reported, as `file:line: message`.
    private func ledger(_ lines: String...) throws -> (SaleLedger, [String]) {
        var ledger = SaleLedger()
        var conflicts: [String] = []
        for (offset, line) in lines.enumerated() {
            let location = SourceLocation(file: "pos/T1.jsonl", line: offset + 1)
            let record = try PosEventDecoder.decode(try JSONParser.parse(Array(line.utf8), firstLine: offset + 1))
            if let conflict = ledger.add(record, at: location) { conflicts.append("\(location): \(conflict)") }
        }
        return (ledger, conflicts)
    }

    @Test func ledgerCountsAnExactRepeatOnce() throws {
        let sale = NightBuilder.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash")
        let failed = NightBuilder.failed("S-1", at: "2026-11-21T10:00:05+01:00", reason: "timeout")
        let request = NightBuilder.request("S-1", "R-1", at: "2026-11-21T10:00:02+01:00", amount: 500)
        let (ledger, conflicts) = try ledger(sale, request, failed, sale, request, failed)
        #expect(conflicts.isEmpty)
        let record = try #require(ledger.sales[SaleKey(terminal: "T1", sale: "S-1")])
        #expect(ledger.sales.count == 1)
        #expect(record.failures.count == 1)
        #expect(record.attempts.count == 1)
        #expect(record.saleSource == SourceLocation(file: "pos/T1.jsonl", line: 1))
    }

    @Test func ledgerReportsAConflictingSecondSale() throws {
        let (ledger, conflicts) = try ledger(
            NightBuilder.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            NightBuilder.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "6.00", payment: "cash"),
            NightBuilder.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: true),
            NightBuilder.response("S-1", "R-1", at: "2026-11-21T10:00:20+01:00", success: false))
        #expect(
            conflicts == [
                "pos/T1.jsonl:2: conflicting sale S-1 on terminal T1: a different one was already read at"
                    + " pos/T1.jsonl:1; this line is ignored",
                "pos/T1.jsonl:4: conflicting payment_response R-1: a different one was already read at"
                    + " pos/T1.jsonl:3; this line is ignored",
            ])
        let record = try #require(ledger.sales[SaleKey(terminal: "T1", sale: "S-1")])
        #expect(record.sale?.total == money(500))
        #expect(record.attempts.first?.response?.success == true)
    }

    @Test func ledgerKeepsSalesOfTwoTerminalsApart() throws {
        let (ledger, conflicts) = try ledger(
            NightBuilder.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "5.00", payment: "cash"),
            NightBuilder.sale("S-1", at: "2026-11-21T10:00:00+01:00", total: "6.00", payment: "cash", terminal: "T2"))
        #expect(conflicts.isEmpty)
        #expect(
            ledger.sales.keys.sorted() == [
                SaleKey(terminal: "T1", sale: "S-1"), SaleKey(terminal: "T2", sale: "S-1"),
            ])
    }

    @Test func ledgerCountsPosStartsPerTerminal() throws {
        let (ledger, conflicts) = try ledger(
            NightBuilder.started(at: "2026-11-21T08:55:00+01:00"),
            NightBuilder.started(at: "2026-11-21T14:00:00+01:00"),
            NightBuilder.started(at: "2026-11-21T08:50:00+01:00", terminal: "T2"))
        #expect(conflicts.isEmpty)
        #expect(ledger.startsByTerminal == ["T1": 2, "T2": 1])
        #expect(ledger.sales.isEmpty)
    }

    // MARK: - Upload arithmetic (formats.md §4.1)

    private static let pem = NightBuilder.pem
    private static let day = NightBuilder.day("2026-11-21")

    private func item(
        _ sale: String?, at recordedAt: String, _ payment: PaymentMethod, _ lines: [(String, String)]
    ) -> UploadItem {
        UploadItem(
            pem: Self.pem, day: Self.day, sale: sale, recordedAt: NightBuilder.instant(recordedAt), payment: payment,
            lines: lines.map { VatAmount(vat: vat($0.0), gross: Money.parse($0.1)!) })
    }

    private func upload(_ items: [UploadItem]) throws -> EmergencyReportUpload {
        let uploads = UploadBuilder.build(items: items, timeZone: .rome, isCovered: { _ in false })
        #expect(uploads.count == 1)
        return try #require(uploads.first)
    }

    @Test(arguments: [
        // 54.00 × 100 / 122 = 44.262…
        ("22.00", "54.00", "44.26", "9.74"),
        // 10.00 × 100 / 122 = 8.196…
        ("22.00", "10.00", "8.20", "1.80"),
        // 0.11 × 100 / 110 = 0.10 exactly.
        ("10.00", "0.11", "0.10", "0.01"),
        // 0.13 × 100 / 104 = 0.125: exactly half a cent, rounded up.
        ("4.00", "0.13", "0.13", "0.00"),
        // 0.39 × 100 / 104 = 0.375: half a cent, rounded up.
        ("4.00", "0.39", "0.38", "0.01"),
        // 10.00 × 100 / 105 = 9.5238…
        ("5.00", "10.00", "9.52", "0.48"),
        // 1.00 × 100 / 110 = 0.90909…
        ("10.00", "1.00", "0.91", "0.09"),
        // Natura: no VAT.
        ("N2", "12.00", "12.00", "0.00"),
    ])
    func partialAndVatAmounts(rate: String, gross: String, partial: String, vatAmount: String) throws {
        let result = try upload([item("S-1", at: "2026-11-21T19:02:00+01:00", .cash, [(rate, gross)])])
        let entry = try #require(result.entries.first)
        #expect(entry.gross.description == gross)
        #expect(entry.partialAmount.description == partial)
        #expect(entry.vatAmount.description == vatAmount)
        #expect(UploadBuilder.partialAmount(gross: Money.parse(gross)!, vat: vat(rate)).description == partial)
    }

    @Test func uploadCountsDocumentsAndPayments() throws {
        let result = try upload([
            item("S-1", at: "2026-11-21T19:02:00+01:00", .electronic, [("22.00", "10.00")]),
            item("S-1", at: "2026-11-21T19:03:00+01:00", .electronic, [("10.00", "5.00")]),
            item("S-2", at: "2026-11-21T19:10:00+01:00", .ticket, [("4.00", "3.00"), ("22.00", "1.00")]),
            item(nil, at: "2026-11-21T19:20:00+01:00", .cash, [("N2", "2.00")]),
            item(nil, at: "2026-11-21T19:20:00+01:00", .cash, [("22.00", "4.00")]),
            // The latest entry, written with another offset.
            item(nil, at: "2026-11-21T18:45:00Z", .cash, [("22.00", "6.00")]),
        ])
        // S-1, S-2, the two rows at 19:20 as one, the row at 19:45.
        #expect(result.documentsCount == 4)
        #expect(result.cashPaymentAmount == money(1200))
        #expect(result.electronicPaymentAmount == money(1500))
        #expect(result.ticketRestaurantPaymentAmount == money(400))
        #expect(result.datetime == "2026-11-21T19:45:00+01:00")
        #expect(result.entries.map(\.vatRateCode.code) == ["10.00", "22.00", "4.00", "N2"])
        #expect(result.entries.map(\.gross) == [money(500), money(2100), money(300), money(200)])
    }

    @Test func uploadsSkipCoveredDaysAndSortByPemAndDay() {
        var items = [
            item("S-1", at: "2026-11-21T19:02:00+01:00", .cash, [("22.00", "10.00")]),
            item("S-2", at: "2026-11-20T19:02:00+01:00", .cash, [("22.00", "10.00")]),
        ]
        items[1].day = NightBuilder.day("2026-11-20")
        var other = item("S-3", at: "2026-11-21T19:02:00+01:00", .cash, [("22.00", "10.00")])
        other.pem = "E001-000000"
        items.append(other)
        let all = UploadBuilder.build(items: items, timeZone: .rome, isCovered: { _ in false })
        #expect(
            all.map { "\($0.pem) \($0.fiscalDay)" } == [
                "E001-000000 2026-11-21", "E001-000001 2026-11-20", "E001-000001 2026-11-21",
            ])
        let some = UploadBuilder.build(
            items: items, timeZone: .rome, isCovered: { $0 == PemDay(pem: Self.pem, day: Self.day) })
        #expect(some.map { "\($0.pem) \($0.fiscalDay)" } == ["E001-000000 2026-11-21", "E001-000001 2026-11-20"])
    }

    @Test func uploadJSONBytes() throws {
        let result = try upload([item("S-1", at: "2026-11-21T19:02:00+01:00", .electronic, [("22.00", "10.00")])])
        let expected = """
            {
              "datetime": "2026-11-21T19:02:00+01:00",
              "documents_count": 1,
              "cash_payment_amount": "0.00",
              "electronic_payment_amount": "10.00",
              "ticket_restaurant_payment_amount": "0.00",
              "ticket_restaurant_quantity": 0,
              "entries": [
                {
                  "vat_rate_code": "22.00",
                  "vat_amount": "1.80",
                  "simplified_vat_allocation": false,
                  "partial_amount": "8.20",
                  "total_returned_amount": null,
                  "total_voided_amount": null,
                  "total_prepaid_or_voucher_amount": null,
                  "total_uncollected_services": null,
                  "total_uncollected_invoiced": null,
                  "total_uncollected_dcr_to_ssn": null,
                  "total_uncollected_complimentary": null,
                  "ateco_code": null
                }
              ]
            }

            """
        #expect(String(decoding: result.jsonBytes(), as: UTF8.self) == expected)
        #expect(result.jsonBytes() == Array(expected.utf8))
        // The bytes parse back as JSON.
        #expect(throws: Never.self) { try JSONParser.parse(result.jsonBytes()) }
    }
}
