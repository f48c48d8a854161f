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
            "q.toml:1: timezone: expected a string in quotes, an integer, true, false or an array, found Europe/Rome"
        ),
        ("[spice]\npos_name = \"a\"\npos_name = \"b\"\n", "q.toml:3: spice.pos_name: the key is set twice"),
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
