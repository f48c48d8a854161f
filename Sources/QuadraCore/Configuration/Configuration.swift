import Foundation

/// Quadra's configuration file (formats.md §6). Secrets are never in it: the A-Cube credentials come from
/// the environment. Every bound (deadline, concurrency, timeouts, page size) is a setting with a default.
public struct Configuration: Sendable, Hashable {
    public var timezone = "Europe/Rome"
    /// The SQLite state store (absolute; a relative path is read from the configuration file's folder); `--state`
    /// wins, and without either it is `quadra-state.sqlite` in the current directory.
    public var state: String?
    /// The language of summary.html (only that page is translated); `--language` wins.
    public var language = ReportLanguage.default
    public var spice = SpiceSettings()
    public var acube = AcubeSettings()

    public init() {}

    /// Spice recovery settings.
    public struct SpiceSettings: Sendable, Hashable {
        public var posName = "Quadra"
        public var posVersion = "1.0"
        /// Recovery gives up on an attempt after this many seconds.
        public var deadlineSeconds: Int64 = 300
        /// Terminals (Spice base URLs) recovered at once.
        public var concurrency: Int64 = 8
        /// One HTTP request's time limit.
        public var requestTimeoutSeconds: Int64 = 10
        /// The first pause between two polls; it doubles, with jitter, up to `maximumBackoffSeconds`.
        public var initialBackoffMilliseconds: Int64 = 500
        public var maximumBackoffSeconds: Int64 = 15
        /// For terminals not listed in `terminals`.
        public var defaultURL: String?
        /// Terminal → Spice base URL.
        public var terminals: [String: String] = [:]

        public init() {}

        /// The Spice base URL of `terminal`, if any.
        public func url(forTerminal terminal: String) -> String? { terminals[terminal] ?? defaultURL }
    }

    /// A-Cube settings.
    public struct AcubeSettings: Sendable, Hashable {
        public enum Role: String, Sendable, Hashable, CaseIterable {
            case supplier
            case merchant
        }

        /// The files of one cash register's client certificate (mutual TLS), as absolute paths.
        public struct ClientCertificate: Sendable, Hashable {
            /// The certificate (PEM file; a chain may follow it).
            public var certificate: String
            /// Its private key (PEM file).
            public var privateKey: String

            public init(certificate: String, privateKey: String) {
                self.certificate = certificate
                self.privateKey = privateKey
            }
        }

        public var role: Role = .merchant
        public var baseURL = "https://ereceipts-it-sandbox.acubeapi.com"
        public var authURL = "https://common-sandbox.api.acubeapi.com"
        public var pathPrefix = "pems"
        public var merchantUUID: String?
        public var pems: [String] = []
        public var pageSize: Int64 = 100
        public var requestTimeoutSeconds: Int64 = 30
        public var maximumRetries: Int64 = 5
        /// PEMs fetched at once.
        public var concurrency: Int64 = 4
        /// Where notifications are served over mutual TLS; nil means port 444 of `baseURL`'s host.
        public var mtlsBaseURL: String?
        /// A PEM bundle of CA certificates trusted besides the system's (absolute path), for every A-Cube host.
        public var caCertificate: String?
        /// Each PEM's client certificate, by serial number.
        public var certificates: [String: ClientCertificate] = [:]

        public init() {}

        /// The base URL of the mutual-TLS host: `mtls_base_url`, else `https://` + the host of `base_url` + `:444`
        /// (where A-Cube's SDK calls it).
        public var effectiveMTLSBaseURL: String {
            if let mtlsBaseURL { return mtlsBaseURL }
            guard let host = URL(string: baseURL)?.host else { return baseURL }
            return "https://\(host):444"
        }
    }

    /// Every key the file may hold, with what it expects (for messages and the sample's documentation).
    public static let knownKeys: [String: String] = [
        "timezone": "an IANA time zone name", "state": "the path of the SQLite state store",
        "language": "it or en (the language of summary.html)",
        "spice.pos_name": "a string", "spice.pos_version": "a string",
        "spice.deadline_seconds": "an integer from 1 to 86400", "spice.concurrency": "an integer from 1 to 1024",
        "spice.request_timeout_seconds": "an integer from 1 to 600",
        "spice.initial_backoff_milliseconds": "an integer from 1 to 60000",
        "spice.maximum_backoff_seconds": "an integer from 1 to 3600", "spice.default_url": "an http:// URL",
        "acube.role": "supplier or merchant", "acube.base_url": "an http(s) URL", "acube.auth_url": "an http(s) URL",
        "acube.path_prefix": "pems or point-of-sales", "acube.merchant_uuid": "a string",
        "acube.pems": "an array of PEM serial numbers", "acube.page_size": "an integer from 1 to 1000",
        "acube.request_timeout_seconds": "an integer from 1 to 600", "acube.maximum_retries": "an integer from 0 to 20",
        "acube.concurrency": "an integer from 1 to 64", "acube.mtls_base_url": "an https URL",
        "acube.ca_certificate": "the path of a PEM file of CA certificates",
        "acube.certificates.<PEM>": "{ certificate = \"FILE\", private_key = \"FILE\" }",
    ]

    /// The tables a configuration may hold (`acube.certificates.<PEM>` too).
    static let knownTables: Set<String> = ["spice", "spice.terminals", "acube", "acube.certificates"]

    /// Reads and checks a configuration file's text. Throws the first problem, naming its key and line.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> Configuration {
        let document = try TOMLDocument.parse(text, file: file)
        for (table, line) in document.tables.sorted(by: { $0.value < $1.value }) where !knownTables.contains(table) {
            if table.hasPrefix("acube.certificates."), table.split(separator: ".").count == 3 { continue }
            throw ConfigurationError(
                file: file, line: line, key: table,
                message: "unknown table: expected [spice], [spice.terminals], [acube] or [acube.certificates]")
        }
        var configuration = Configuration()
        // Relative file paths are read from the configuration file's folder.
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var certificateParts: [String: (certificate: String?, privateKey: String?, line: Int)] = [:]
        for (key, entry) in document.entries.sorted(by: { ($0.value.line, $0.key) < ($1.value.line, $1.key) }) {
            let field = Field(file: file, key: key, entry: entry)
            if entry.path.count >= 3, entry.path[0] == "spice", entry.path[1] == "terminals" {
                // A terminal name holding a dot is quoted ("P1.T1" = …): unquoted, TOML reads a table P1.
                guard entry.path.count == 3 else {
                    throw field.fail(
                        "expected spice.terminals.<TERMINAL> = \"URL\" (quote a terminal name holding a dot)")
                }
                configuration.spice.terminals[entry.path[2]] = try field.url(schemes: ["http"])
                continue
            }
            if entry.path.count >= 3, entry.path[0] == "acube", entry.path[1] == "certificates" {
                guard entry.path.count == 4, ["certificate", "private_key"].contains(entry.path[3]) else {
                    throw field.fail(
                        "expected acube.certificates.<PEM> = { certificate = \"FILE\", private_key = \"FILE\" }")
                }
                let pem = entry.path[2]
                guard PEMSerial.isValid(pem) else { throw field.fail(PEMSerial.rejection(of: pem, in: "PEM")) }
                let path = try field.path(relativeTo: folder)
                var parts = certificateParts[pem] ?? (nil, nil, entry.line)
                if entry.path[3] == "certificate" { parts.certificate = path } else { parts.privateKey = path }
                certificateParts[pem] = parts
                continue
            }
            switch key {
            case "timezone":
                let zone = try field.string()
                guard FiscalTimeZone(identifier: zone) != nil else {
                    throw field.fail("unknown time zone \"\(zone)\": expected an IANA name like Europe/Rome")
                }
                configuration.timezone = zone
            case "state": configuration.state = try field.path(relativeTo: folder)
            case "language":
                let language = try field.string()
                guard let value = ReportLanguage(rawValue: language) else {
                    throw field.fail("expected \(ReportLanguage.accepted), found \"\(language)\"")
                }
                configuration.language = value
            case "spice.pos_name": configuration.spice.posName = try field.nonEmptyString()
            case "spice.pos_version": configuration.spice.posVersion = try field.nonEmptyString()
            case "spice.deadline_seconds": configuration.spice.deadlineSeconds = try field.integer(1...86_400)
            case "spice.concurrency": configuration.spice.concurrency = try field.integer(1...1024)
            case "spice.request_timeout_seconds": configuration.spice.requestTimeoutSeconds = try field.integer(1...600)
            case "spice.initial_backoff_milliseconds":
                configuration.spice.initialBackoffMilliseconds = try field.integer(1...60_000)
            case "spice.maximum_backoff_seconds":
                configuration.spice.maximumBackoffSeconds = try field.integer(1...3600)
            case "spice.default_url": configuration.spice.defaultURL = try field.url(schemes: ["http"])
            case "acube.role":
                let role = try field.string()
                guard let value = AcubeSettings.Role(rawValue: role) else {
                    throw field.fail("expected supplier or merchant, found \"\(role)\"")
                }
                configuration.acube.role = value
            case "acube.base_url": configuration.acube.baseURL = try field.url(schemes: ["http", "https"])
            case "acube.auth_url": configuration.acube.authURL = try field.url(schemes: ["http", "https"])
            case "acube.path_prefix":
                let prefix = try field.nonEmptyString()
                guard prefix.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "_" }) else {
                    throw field.fail("expected a path segment like pems or point-of-sales, found \"\(prefix)\"")
                }
                configuration.acube.pathPrefix = prefix
            case "acube.merchant_uuid": configuration.acube.merchantUUID = try field.nonEmptyString()
            case "acube.pems":
                let pems = try field.stringArray()
                // A serial names the folder `quadra fetch` writes (`acube/<PEM>/`) and the A-Cube paths.
                if let bad = pems.first(where: { !PEMSerial.isValid($0) }) {
                    throw field.fail(PEMSerial.rejection(of: bad, in: "PEM"))
                }
                configuration.acube.pems = pems
            case "acube.page_size": configuration.acube.pageSize = try field.integer(1...1000)
            case "acube.request_timeout_seconds": configuration.acube.requestTimeoutSeconds = try field.integer(1...600)
            case "acube.maximum_retries": configuration.acube.maximumRetries = try field.integer(0...20)
            case "acube.concurrency": configuration.acube.concurrency = try field.integer(1...64)
            case "acube.mtls_base_url": configuration.acube.mtlsBaseURL = try field.url(schemes: ["https"])
            case "acube.ca_certificate": configuration.acube.caCertificate = try field.path(relativeTo: folder)
            case _ where knownTables.contains(key):
                throw field.fail("expected a table ([\(key)]), found \(entry.value.typeName)")
            default:
                let hint = knownKeys.keys.sorted().first { $0.hasSuffix("." + (key.split(separator: ".").last ?? "")) }
                throw field.fail("unknown key" + (hint.map { " (did you mean \($0)?)" } ?? ""))
            }
        }
        for (pem, parts) in certificateParts.sorted(by: { $0.key < $1.key }) {
            guard let certificate = parts.certificate, let privateKey = parts.privateKey else {
                throw ConfigurationError(
                    file: file, line: parts.line, key: "acube.certificates.\(pem)",
                    message: "expected both certificate and private_key: { certificate = \"FILE\", "
                        + "private_key = \"FILE\" }")
            }
            configuration.acube.certificates[pem] = AcubeSettings.ClientCertificate(
                certificate: certificate, privateKey: privateKey)
        }
        return configuration
    }

    /// Reads and checks the configuration file at `url`.
    public static func load(url: URL) throws(ConfigurationError) -> Configuration {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw ConfigurationError(
                file: url.path, line: nil, key: nil,
                message: "cannot read the configuration: \(SystemErrorText.describe(error))")
        }
        return try parse(TOMLDocument.text(utf8: Array(bytes), file: url.path), file: url.path)
    }

    private struct Field {
        let file: String
        let key: String
        let entry: TOMLDocument.Entry

        func fail(_ message: String) -> ConfigurationError {
            ConfigurationError(file: file, line: entry.line, key: key, message: message)
        }

        func string() throws(ConfigurationError) -> String {
            guard case .string(let text) = entry.value else {
                throw fail("expected \(knownKeys[key] ?? "a string"), found \(entry.value.typeName)")
            }
            return text
        }

        func nonEmptyString() throws(ConfigurationError) -> String {
            let text = try string()
            guard !text.isEmpty else { throw fail("expected a non-empty string") }
            return text
        }

        func integer(_ range: ClosedRange<Int64>) throws(ConfigurationError) -> Int64 {
            guard case .integer(let value) = entry.value else {
                throw fail("expected \(knownKeys[key] ?? "an integer"), found \(entry.value.typeName)")
            }
            guard range.contains(value) else {
                throw fail("expected an integer from \(range.lowerBound) to \(range.upperBound), found \(value)")
            }
            return value
        }

        func stringArray() throws(ConfigurationError) -> [String] {
            guard case .array(let items) = entry.value else {
                throw fail("expected \(knownKeys[key] ?? "an array of strings"), found \(entry.value.typeName)")
            }
            var strings: [String] = []
            for item in items {
                guard case .string(let text) = item, !text.isEmpty else {
                    throw fail("expected an array of non-empty strings, found \(item.typeName)")
                }
                strings.append(text)
            }
            return strings
        }

        /// A file path; a relative one is taken from `folder` (the configuration file's).
        func path(relativeTo folder: URL) throws(ConfigurationError) -> String {
            let text = try nonEmptyString()
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw fail("expected a file path, found control characters")
            }
            if text.hasPrefix("/") { return text }
            return folder.appendingPathComponent(text).standardizedFileURL.path
        }

        func url(schemes: [String]) throws(ConfigurationError) -> String {
            let text = try string()
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
                url.host != nil
            else {
                throw fail("expected a URL like \(schemes[0])://127.0.0.1:8282, found \"\(text)\"")
            }
            // URLs are written in findings and logs: one holding a password would put it there. Spice takes no
            // credentials, and A-Cube's come from the environment.
            guard url.user == nil, url.password == nil else {
                throw fail(
                    "expected a URL without a user name or password (user:password@): Spice takes none, and A-Cube's "
                        + "come from QUADRA_ACUBE_EMAIL and QUADRA_ACUBE_PASSWORD")
            }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        }
    }
}
