import QuadraCore

/// One file `quadra fetch` writes: its path relative to the night (`acube/<PEM>/receipts-1.json`) and its bytes,
/// exactly as A-Cube sent them.
public struct AcubeFetchedFile: Sendable, Hashable {
    public var relativePath: String
    public var bytes: [UInt8]

    public init(relativePath: String, bytes: [UInt8]) {
        self.relativePath = relativePath
        self.bytes = bytes
    }
}

/// What a fetch gave: the files to write, which export kinds were fetched per PEM (so that only those kinds'
/// stale pages are removed), and warnings for standard error.
public struct AcubeFetchResult: Sendable, Hashable {
    public var files: [AcubeFetchedFile] = []
    /// PEM → the file name prefixes fetched for it (`receipts`, `journals`, `notifications`, `emergency-reports`).
    public var fetchedKinds: [String: Set<String>] = [:]
    public var warnings: [String] = []

    public init() {}
}

/// Walks A-Cube's lists for each PEM and returns the files of `NIGHT/acube/<PEM>/` (formats.md §1):
/// `receipts-<n>.json` (every page), `journals-<n>.json` (the PEM's journals of the day, when
/// `acube.merchant_uuid` is set), `notifications-<n>.json` and `emergency-reports.json`, pages numbered from 1.
/// Nothing is written here: the caller writes the files once every PEM is fetched, so a failure leaves the
/// night as it was.
public struct AcubeFetcher: Sendable {
    /// The export kinds, as file name prefixes the night reader recognises.
    public static let kinds = ["receipts", "journals", "notifications", "emergency-reports"]
    /// A walk that has not ended after this many pages is a fault (a server that always says "more").
    public static let maximumPages = 10_000

    public var client: AcubeClient
    /// Called before each request with a short label (`E001-000001 receipts page 2`), for progress display.
    public var onProgress: (@Sendable (String) -> Void)?

    public init(client: AcubeClient, onProgress: (@Sendable (String) -> Void)? = nil) {
        self.client = client
        self.onProgress = onProgress
    }

    /// Fetches every PEM's lists for `day`. Throws the first `AcubeError` (nothing is partly returned).
    public func fetch(pems: [String], day: FiscalDay) async throws(AcubeError) -> AcubeFetchResult {
        var result = AcubeFetchResult()
        let journals = client.settings.merchantUUID.map { !$0.isEmpty } ?? false
        if !journals {
            result.warnings.append(
                "acube.merchant_uuid is not configured: journals are not fetched, and journals*.json files already "
                    + "in the night are left as they are; set it to list the journals of \(day)")
        }
        var seen = Set<String>()
        for pem in pems where seen.insert(pem).inserted {
            guard Self.isSafeFolderName(pem) else {
                throw AcubeError(
                    kind: .notConfigured,
                    message: "acube.pems: \"\(pem)\" cannot be a folder name under acube/: expected a PEM serial "
                        + "number like E001-000001")
            }
            var kinds: Set<String> = ["receipts", "notifications", "emergency-reports"]
            try await walk(pem: pem, kind: "receipts", into: &result) { page throws(AcubeError) in
                try await client.receiptsPage(pem: pem, page: page)
            }
            if journals {
                kinds.insert("journals")
                try await walk(pem: pem, kind: "journals", into: &result) { page throws(AcubeError) in
                    try await client.journalsPage(pem: pem, from: day, to: day, page: page)
                }
            }
            try await walk(pem: pem, kind: "notifications", into: &result) { page throws(AcubeError) in
                try await client.notificationsPage(pem: pem, page: page)
            }
            onProgress?("\(pem) emergency reports")
            let reports = try await client.emergencyReports(pem: pem)
            result.files.append(
                AcubeFetchedFile(relativePath: "acube/\(pem)/emergency-reports.json", bytes: reports.bytes))
            result.fetchedKinds[pem] = kinds
        }
        return result
    }

    /// Asks for pages 1, 2, … until one says there is no more, and adds each as `acube/<PEM>/<kind>-<n>.json`.
    private func walk(
        pem: String, kind: String, into result: inout AcubeFetchResult,
        _ page: (Int) async throws(AcubeError) -> AcubePage
    ) async throws(AcubeError) {
        var number = 1
        while true {
            onProgress?("\(pem) \(kind) page \(number)")
            let fetched = try await page(number)
            result.files.append(
                AcubeFetchedFile(relativePath: "acube/\(pem)/\(kind)-\(number).json", bytes: fetched.bytes))
            guard fetched.hasMore else { return }
            guard number < Self.maximumPages else {
                throw AcubeError(
                    kind: .badResponse,
                    message: "A-Cube still announced more \(kind) of \(pem) after \(Self.maximumPages) pages: "
                        + "stopped; check acube.page_size")
            }
            number += 1
        }
    }

    /// Whether `name` can be a folder under `acube/`: not empty, not `.` or `..`, no slash, backslash or control
    /// character.
    public static func isSafeFolderName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.hasPrefix(".")
            && !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// The files of a PEM folder (names in `existing`) that an earlier fetch left and this one did not write:
    /// export files (`<kind>*.json`) of a kind in `fetchedKinds` whose name is not in `written`.
    public static func staleFiles(existing: [String], written: Set<String>, fetchedKinds: Set<String>) -> [String] {
        existing.filter { name in
            guard name.hasSuffix(".json"), !written.contains(name) else { return false }
            // The night reader picks a file's kind by the first matching prefix, in this order.
            guard let kind = kinds.first(where: { name.hasPrefix($0) }) else { return false }
            return fetchedKinds.contains(kind)
        }.sorted()
    }
}
