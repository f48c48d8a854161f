import Foundation
import Testing

@testable import QuadraCore

@Suite struct ConfigurationTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/quadra.toml")

    @Test func theSampleConfigurationReadsWhole() throws {
        let configuration = try Configuration.load(url: Self.sample)
        #expect(configuration.timezone == "Europe/Rome")
        #expect(configuration.language == .italian)
        #expect(configuration.spice.deadlineSeconds == 300)
        #expect(configuration.spice.concurrency == 8)
        #expect(configuration.spice.url(forTerminal: "T2") == "http://127.0.0.1:8283")
        #expect(configuration.spice.url(forTerminal: "T9") == "http://127.0.0.1:8282", "default_url for the rest")
        #expect(configuration.acube.role == .supplier)
        #expect(configuration.acube.pems == ["E001-000001", "E001-000002"])
        #expect(configuration.acube.pathPrefix == "pems")
        #expect(configuration.acube.concurrency == 4)
        #expect(configuration.acube.effectiveMTLSBaseURL == "https://ereceipts-it-sandbox.acubeapi.com:444")
        let folder = Self.sample.deletingLastPathComponent().path
        #expect(
            configuration.acube.certificates["E001-000002"]
                == .init(
                    certificate: folder + "/certificates/E001-000002.crt",
                    privateKey: folder + "/certificates/E001-000002.key"))
        for files in configuration.acube.certificates.values {
            #expect(FileManager.default.fileExists(atPath: files.certificate))
            #expect(FileManager.default.fileExists(atPath: files.privateKey))
        }
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        let configuration = try Configuration.parse("# nothing\n", file: "q.toml")
        #expect(configuration == Configuration())
        #expect(configuration.spice.url(forTerminal: "T1") == nil)
        #expect(configuration.language == .italian, "summary.html is in Italian unless told otherwise")
    }

    @Test func theLanguageOfTheSummaryIsItOrEn() throws {
        #expect(try Configuration.parse("language = \"en\"\n", file: "q.toml").language == .english)
        #expect(try Configuration.parse("language = \"it\"\n", file: "q.toml").language == .italian)
    }

    @Test(arguments: [
        ("[spice]\ndeadline = 5\n", "q.toml:2: spice.deadline: unknown key"),
        ("[spice]\nconcurrency = 0\n", "q.toml:2: spice.concurrency: expected an integer from 1 to 1024, found 0"),
        (
            "[spice]\nconcurrency = \"8\"\n",
            "q.toml:2: spice.concurrency: expected an integer from 1 to 1024, found a string"
        ),
        (
            "timezone = \"Europe/Atlantis\"\n",
            "q.toml:1: timezone: unknown time zone \"Europe/Atlantis\": expected an IANA name like Europe/Rome"
        ),
        ("language = \"IT\"\n", "q.toml:1: language: expected it or en, found \"IT\""),
        ("language = 1\n", "q.toml:1: language: expected it or en (the language of summary.html), found an integer"),
        ("[acube]\nrole = \"reseller\"\n", "q.toml:2: acube.role: expected supplier or merchant, found \"reseller\""),
        (
            "[spice.terminals]\nT1 = \"ftp://x\"\n",
            "q.toml:2: spice.terminals.T1: expected a URL like http://127.0.0.1:8282, found \"ftp://x\""
        ),
        (
            "[spicy]\n",
            "q.toml:1: spicy: unknown table: expected [spice], [spice.terminals], [acube] or [acube.certificates]"
        ),
        (
            "[acube]\npems = [\"E1\", 2]\n",
            "q.toml:2: acube.pems: expected an array of non-empty strings, found an integer"
        ),
        (
            "timezone = Europe/Rome\n",
            "q.toml:1: timezone: expected a value (a string in quotes, a number, true, false, a date or time, an array "
                + "or an inline table), found Europe/Rome"
        ),
        (
            "[spice]\npos_name = \"a\"\npos_name = \"b\"\n",
            "q.toml:3: spice.pos_name: the key is set twice (first on line 2)"
        ),
        (
            "[acube]\nbase_url = \"https://x\" extra\n",
            "q.toml:2: unexpected text after the value: put one setting per line"
        ),
        // A URL is written in findings: one with credentials would put them there (the value is not echoed).
        (
            "[spice]\ndefault_url = \"http://ops:s3cret@127.0.0.1:8282\"\n",
            "q.toml:2: spice.default_url: expected a URL without a user name or password (user:password@): Spice "
                + "takes none, and A-Cube's come from QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD"
        ),
        (
            "[acube]\npems = [\"E001-000001\", \"../etc\"]\n",
            "q.toml:2: acube.pems: bad PEM: expected a PEM serial number like E001-000001 (1 to 64 letters, digits, "
                + "'-' or '_', starting with a letter or digit), found \"../etc\""
        ),
    ])
    func badConfigurationsNameTheKeyAndLine(text: String, message: String) {
        #expect(throws: ConfigurationError.self) { try Configuration.parse(text, file: "q.toml") }
        do {
            _ = try Configuration.parse(text, file: "q.toml")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func tomlSubsetReadsStringsArraysAndComments() throws {
        let text = """
            # comment
            timezone = 'Europe/Rome'   # literal string
            [acube]
            pems = [
              "E1",  # first
              "E2",
            ]
            "merchant_uuid" = "a\\u00e8b"
            """
        let configuration = try Configuration.parse(text, file: "q.toml")
        #expect(configuration.acube.pems == ["E1", "E2"])
        #expect(configuration.acube.merchantUUID == "aèb")
    }
    /// The file is TOML 1.0 (formats.md §6): dotted keys, inline tables and every string form reach the same settings as
    /// tables and plain strings do.
    @Test func everyTOMLFormReachesTheSettings() throws {
        let text = """
            spice.concurrency = 0x10  # dotted keys at the top, a hexadecimal integer
            spice.terminals."P1.T1" = 'http://127.0.0.1:8282'
            acube = { role = "merchant", pems = [ \"\"\"E001-000001\"\"\", '''E001-000002''' ] }\r
            timezone = \"\"\"
            Europe/\\
              Rome\"\"\"
            """
        let configuration = try Configuration.parse(text, file: "q.toml")
        #expect(configuration.spice.concurrency == 16)
        #expect(configuration.spice.terminals == ["P1.T1": "http://127.0.0.1:8282"])
        #expect(configuration.acube.role == .merchant)
        #expect(configuration.acube.pems == ["E001-000001", "E001-000002"])
        #expect(configuration.timezone == "Europe/Rome")
    }

    /// Whatever TOML reads that the configuration does not take (a float, a date, an array of tables, a quoted key
    /// holding a dot) is refused naming the file, the line and the key; so is TOML that is not valid.
    @Test(arguments: [
        (
            "[spice]\npos_name = \"\"\"\nQuadra\n\"\"\"\nconcurrency = 0\n",
            "q.toml:5: spice.concurrency: expected an integer from 1 to 1024, found 0"
        ),
        (
            "[spice]\nconcurrency = 8.0\n",
            "q.toml:2: spice.concurrency: expected an integer from 1 to 1024, found a float"
        ),
        ("timezone = 1979-05-27\n", "q.toml:1: timezone: expected an IANA time zone name, found a date"),
        (
            "[acube]\npage_size = 1979-05-27T07:32:00Z\n",
            "q.toml:2: acube.page_size: expected an integer from 1 to 1000, found a date-time"
        ),
        ("\"spice.concurrency\" = 4\n", "q.toml:1: \"spice.concurrency\": unknown key"),
        ("[[spice]]\nconcurrency = 4\n", "q.toml:1: spice: expected a table ([spice]), found an array"),
        (
            "[spice.terminals]\nP1.T1 = \"http://127.0.0.1:8282\"\n",
            "q.toml:2: spice.terminals.P1.T1: expected spice.terminals.<TERMINAL> = \"URL\" (quote a terminal name "
                + "holding a dot)"
        ),
        (
            "[acube]\npage_size = 0300\n",
            "q.toml:2: acube.page_size: a decimal number cannot start with 0 (write 0o… for octal), found 0300"
        ),
        (
            "[spice]\nconcurrency = 4\n[acube]\n[spice]\n",
            "q.toml:4: spice: the table [spice] is defined twice (first on line 1)"
        ),
        (
            "[acube.certificates]\nE1 = { certificate = \"/c\", private_key = \"/k\" }\nE1.certificate = \"/d\"\n",
            "q.toml:3: acube.certificates.E1: the inline table on line 2 cannot be extended"
        ),
    ])
    func whatTOMLReadsButTheConfigurationRefusesNamesTheKeyAndLine(text: String, message: String) {
        do {
            _ = try Configuration.parse(text, file: "q.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    /// A file saved with CR-only line ends (classic Mac) is not TOML: refused on its first line, not read as one long
    /// comment or key.
    @Test func aFileWithCROnlyLineEndsIsRefusedWithItsName() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-cr-\(UUID().uuidString).toml")
        try Data("# Quadra\r[spice]\rconcurrency = 4\r".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try Configuration.load(url: url)
            Issue.record("accepted a file with CR-only line ends")
        } catch {
            #expect(
                error.description
                    == url.path + ":1: a carriage return (CR) without a line feed after it: TOML lines end with LF or "
                    + "CR LF, never CR alone (convert the file's line ends, e.g. with `tr '\\r' '\\n'`)")
        }
    }

    /// A TOML file is UTF-8: a byte order mark may open it (Windows editors write one), a second one is text, and a
    /// byte that is not UTF-8 is named with its line.
    @Test(
        arguments: [
            ([0xEF, 0xBB, 0xBF] + Array("[spice]\nconcurrency = 4\n".utf8), nil),
            (
                [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("[spice]\n".utf8),
                ":1: expected a key (letters, digits, '_' and '-', or a quoted key), found U+FEFF"
            ),
            (
                Array("[spice]\n# caf".utf8) + [0xE9] + Array("\nconcurrency = 4\n".utf8),
                ":2: the byte 0xE9 is not UTF-8: a TOML file is UTF-8 text (save it as UTF-8)"
            ),
            (
                [0xFF, 0xFE] + Array("a".utf8),
                ":1: the byte 0xFF is not UTF-8: a TOML file is UTF-8 text (save it as UTF-8)"
            ),
        ] as [([UInt8], String?)])
    func aFileIsUTF8WithAtMostOneByteOrderMark(bytes: [UInt8], message: String?) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-utf8-\(UUID().uuidString).toml")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            let configuration = try Configuration.load(url: url)
            #expect(message == nil, "accepted")
            #expect(configuration.spice.concurrency == 4)
        } catch {
            #expect(error.description == url.path + (message ?? " was refused"))
        }
    }

    /// A configuration nested 30,000 deep (arrays, inline tables, both mixed, over many lines) is an error naming the
    /// file, the line and the key, not a stack overflow.
    @Test(arguments: [
        (
            "[acube]\npems = " + String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000) + "\n",
            ":2: acube.pems: arrays and inline tables nested too deep: expected at most 128 levels"
        ),
        (
            "[acube.certificates]\nE1 = " + String(repeating: "{ a = ", count: 30_000) + "1"
                + String(repeating: " }", count: 30_000) + "\n",
            ":2: acube.certificates.E1" + String(repeating: ".a", count: 128)
                + ": arrays and inline tables nested too deep: expected at most 128 levels"
        ),
        (
            "x = " + String(repeating: "[{ a = ", count: 15_000) + "1" + String(repeating: " }]", count: 15_000),
            ":1: x" + String(repeating: ".a", count: 64)
                + ": arrays and inline tables nested too deep: expected at most 128 levels"
        ),
        (
            "# deep\nx = " + String(repeating: "[\n", count: 30_000),
            ":130: x: arrays and inline tables nested too deep: expected at most 128 levels"
        ),
    ])
    func deepNestingIsAnErrorWithTheFileAndLine(text: String, message: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-deep-\(UUID().uuidString).toml")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try Configuration.load(url: url)
            Issue.record("accepted a configuration nested 30,000 deep")
        } catch {
            #expect(error.description == url.path + message)
        }
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let depth = TOMLDocument.maximumNesting
        let text = "x = " + String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth) + "\n"
        var value = try #require(try TOMLDocument.parse(text, file: "q.toml").entries["x"]).value
        for _ in 0..<depth {
            guard case .array(let items) = value, items.count == 1 else {
                Issue.record("expected an array of one item, found \(value)")
                return
            }
            value = items[0]
        }
        #expect(value == .integer(1))
    }

    @Test func certificatesAreInlineTablesOrSubTablesWithPathsFromTheFilesFolder() throws {
        let text = """
            [acube]
            base_url = "https://ereceipts-it.acubeapi.com"
            concurrency = 8
            ca_certificate = "ca/extra.pem"

            [acube.certificates]
            "E001-000001" = { certificate = "/etc/quadra/E1.crt", private_key = "keys/E1.key" }
            E001-000002 = {private_key="/k2",certificate="/c2"}

            [acube.certificates."E001-000003"]
            certificate = "/c3"
            private_key = "/k3"
            """
        let configuration = try Configuration.parse(text, file: "/etc/quadra/quadra.toml")
        let acube = configuration.acube
        #expect(acube.concurrency == 8)
        #expect(acube.caCertificate == "/etc/quadra/ca/extra.pem")
        #expect(
            acube.certificates == [
                "E001-000001": .init(certificate: "/etc/quadra/E1.crt", privateKey: "/etc/quadra/keys/E1.key"),
                "E001-000002": .init(certificate: "/c2", privateKey: "/k2"),
                "E001-000003": .init(certificate: "/c3", privateKey: "/k3"),
            ])
        // Notifications are on port 444 of the MF1 host unless told.
        #expect(acube.mtlsBaseURL == nil)
        #expect(acube.effectiveMTLSBaseURL == "https://ereceipts-it.acubeapi.com:444")
        let told = try Configuration.parse(
            "[acube]\nmtls_base_url = \"https://127.0.0.1:8444\"\n", file: "q.toml")
        #expect(told.acube.effectiveMTLSBaseURL == "https://127.0.0.1:8444")
        #expect(Configuration().acube.concurrency == 4)
    }

    @Test(arguments: [
        (
            "[acube.certificates]\nE1 = { certificate = \"/c\" }\n",
            "q.toml:2: acube.certificates.E1: expected both certificate and private_key: { certificate = \"FILE\", "
                + "private_key = \"FILE\" }"
        ),
        (
            "[acube.certificates]\nE1 = { certificate = \"/c\", key = \"/k\" }\n",
            "q.toml:2: acube.certificates.E1.key: expected acube.certificates.<PEM> = { certificate = \"FILE\", "
                + "private_key = \"FILE\" }"
        ),
        (
            "[acube.certificates]\nE1 = { certificate = \"/c\", private_key = \"/k\"\n",
            "q.toml:2: acube.certificates.E1: the inline table is not closed on its line: expected '}'"
        ),
        (
            "[acube.certificates]\nE1 = { certificate = \"/c\", certificate = \"/d\" }\n",
            "q.toml:2: acube.certificates.E1.certificate: the key is set twice in the inline table"
        ),
        ("[acube]\nconcurrency = 0\n", "q.toml:2: acube.concurrency: expected an integer from 1 to 64, found 0"),
        (
            "[acube]\nmtls_base_url = \"http://x:444\"\n",
            "q.toml:2: acube.mtls_base_url: expected a URL like https://127.0.0.1:8282, found \"http://x:444\""
        ),
        (
            "[acube.certificates.E1.more]\n",
            "q.toml:1: acube.certificates.E1.more: unknown table: expected [spice], "
                + "[spice.terminals], [acube] or [acube.certificates]"
        ),
    ])
    func badCertificateSettingsNameTheKeyAndLine(text: String, message: String) {
        do {
            _ = try Configuration.parse(text, file: "q.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }
}
