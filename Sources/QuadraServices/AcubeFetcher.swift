import Foundation
import QuadraCore

/// One file `quadra fetch` wrote, exactly as A-Cube sent it: its path relative to the night
/// (`acube/<PEM>/receipts-1.json`) and its size. The bytes went to disk as they arrived; no result holds them.
public struct AcubeFetchedFile: Sendable, Hashable {
    public var relativePath: String
    public var byteCount: Int

    public init(relativePath: String, byteCount: Int) {
        self.relativePath = relativePath
        self.byteCount = byteCount
    }
}

/// What a fetch gave: the files written, which export kinds were fetched per PEM (only those kinds' stale pages
/// were removed), warnings for standard error and next steps for the summary.
public struct AcubeFetchResult: Sendable, Hashable {
    public var files: [AcubeFetchedFile] = []
    /// PEM → the file name prefixes fetched for it (`receipts`, `journals`, `notifications`, `emergency-reports`).
    public var fetchedKinds: [String: Set<String>] = [:]
    public var warnings: [String] = []
    /// What the operator should do so that the next fetch is whole (a certificate to configure…).
    public var nextSteps: [String] = []
    /// PEMs whose notifications could not be polled (no usable certificate).
    public var pemsWithoutNotifications: [String] = []

    public init() {}
}

/// Walks A-Cube's lists for each PEM and writes the files of `NIGHT/acube/<PEM>/` (formats.md §1):
/// `receipts-ready-<n>.json` and `receipts-sent-<n>.json` (every page of the day's receipts of each status),
/// `journals-<n>.json` (the PEM's journals of the day: a supplier with `acube.merchant_uuid`),
/// `notifications-<n>.json` (polled over mutual TLS with the PEM's certificate) and `emergency-reports-<n>.json`
/// (every page of the reports A-Cube holds: a supplier), pages numbered from 1.
///
/// PEMs are fetched concurrently, `acube.concurrency` at a time, sharing the client's one back-off. Each page goes to
/// disk as it arrives, into a hidden staging folder of the night (`AcubeFetchStaging`), and into place only once
/// every PEM is fetched: a failure leaves the night as it was, and memory holds pages in flight, not the night.
public struct AcubeFetcher: Sendable {
    /// The export kinds, as file name prefixes the night reader recognises.
    public static let kinds = ["receipts", "journals", "notifications", "emergency-reports"]
    /// A walk that has not ended after this many pages is a fault (a server that always says "more").
    public static let maximumPages = 10_000

    public var client: AcubeClient
    /// The fiscal time zone: the day's receipts are those from its first instant to the next day's.
    public var timeZone: FiscalTimeZone
    /// Each PEM's client certificate; a PEM without one is fetched without its notifications.
    public var identities: [String: AcubeClientIdentity]
    /// Why a PEM's configured certificate cannot be used, by PEM (messages name files, never their contents).
    public var identityProblems: [String: String]
    /// Called before each request with a short label (`E001-000001 receipts ready page 2`), for progress display.
    public var onProgress: (@Sendable (String) -> Void)?

    public init(
        client: AcubeClient, timeZone: FiscalTimeZone = .rome, identities: [String: AcubeClientIdentity] = [:],
        identityProblems: [String: String] = [:], onProgress: (@Sendable (String) -> Void)? = nil
    ) {
        self.client = client
        self.timeZone = timeZone
        self.identities = identities
        self.identityProblems = identityProblems
        self.onProgress = onProgress
    }

    /// Loads the client certificate of every PEM of `pems` that `settings.certificates` names; the PEMs whose
    /// files cannot be used go in the second result with the reason.
    public static func loadIdentities(pems: [String], settings: Configuration.AcubeSettings)
        -> (identities: [String: AcubeClientIdentity], problems: [String: String])
    {
        var identities: [String: AcubeClientIdentity] = [:]
        var problems: [String: String] = [:]
        for pem in Set(pems) {
            guard let files = settings.certificates[pem] else { continue }
            do {
                identities[pem] = try AcubeClientIdentity.load(
                    pem: pem, files: files, caCertificate: settings.caCertificate)
            } catch {
                problems[pem] = error.message
            }
        }
        return (identities, problems)
    }

    /// One PEM's part of the result.
    private struct PemFetch: Sendable {
        var files: [AcubeFetchedFile] = []
        var kinds: Set<String> = []
    }

    /// Fetches every PEM's lists for `day` into `night/acube/<PEM>/`, then removes the pages of the kinds fetched
    /// that this fetch did not write (an earlier fetch's). Throws the first `AcubeError`, or an
    /// `AcubeFetchStorageError` when a page cannot be written; either way before any page is in place, the night as
    /// it was (only a page that cannot be moved into place, at the very end, leaves a night part old, part new).
    public func fetch(pems: [String], day: FiscalDay, into night: URL) async throws -> AcubeFetchResult {
        var result = AcubeFetchResult()
        let supplier = client.settings.role == .supplier
        let journals = supplier && (client.settings.merchantUUID.map { !$0.isEmpty } ?? false)
        if !supplier {
            result.warnings.append(
                "acube.role is merchant: journals and emergency reports are listed through MF2, which serves "
                    + "suppliers only, so they are not fetched (files already in the night are left as they are)")
        } else if !journals {
            result.warnings.append(
                "acube.merchant_uuid is not configured: journals are not fetched, and journals*.json files already "
                    + "in the night are left as they are; set it to list the journals of \(day)")
        }
        var unique: [String] = []
        var seen = Set<String>()
        for pem in pems where seen.insert(pem).inserted {
            // The configuration refuses such serials already; settings made in code meet the same rule.
            guard PEMSerial.isValid(pem) else {
                throw AcubeError(
                    kind: .notConfigured, message: "acube.pems: " + PEMSerial.rejection(of: pem, in: "PEM"))
            }
            unique.append(pem)
        }
        for pem in unique where identities[pem] == nil {
            result.pemsWithoutNotifications.append(pem)
            if let problem = identityProblems[pem] {
                result.warnings.append(problem)
                result.nextSteps.append(
                    "fix the client certificate of \(pem) in [acube.certificates], then fetch again: its "
                        + "notifications (platform outages) were not read")
            } else {
                result.warnings.append(
                    "\(pem) has no client certificate in [acube.certificates]: A-Cube serves notifications only over "
                        + "mutual TLS with the cash register's certificate, so its notifications (platform outages) "
                        + "were not fetched; the rest was")
                result.nextSteps.append(
                    "add the cash register certificate and key of \(pem) to [acube.certificates], then fetch again: "
                        + "its notifications (platform outages) were not read")
            }
        }
        let staging = try AcubeFetchStaging(night: night)
        let fetched: [PemFetch]
        do {
            fetched = try await BoundedConcurrency.map(unique, limit: Int(clamping: client.settings.concurrency)) {
                pem in try await fetchOne(pem: pem, day: day, journals: journals, supplier: supplier, staging)
            }
        } catch let error as AcubeError {
            staging.discard()
            throw error
        } catch let error as AcubeFetchStorageError {
            staging.discard()
            throw error
        } catch {
            staging.discard()
            throw AcubeError(kind: .unreachable, message: "the fetch stopped: \(error)")
        }
        var pages: [(pem: String, name: String)] = []
        for (pem, one) in zip(unique, fetched) {
            result.files += one.files
            result.fetchedKinds[pem] = one.kinds
            pages += one.files.map { (pem, ($0.relativePath as NSString).lastPathComponent) }
        }
        do {
            result.warnings += try staging.publish(pages, fetchedKinds: result.fetchedKinds)
        } catch {
            staging.discard()
            throw error
        }
        return result
    }

    /// Every list of one PEM, each page staged as it arrives.
    private func fetchOne(
        pem: String, day: FiscalDay, journals: Bool, supplier: Bool, _ staging: AcubeFetchStaging
    ) async throws -> PemFetch {
        var one = PemFetch()
        one.kinds.insert("receipts")
        for status in AcubeReceiptStatus.allCases {
            try await walk(pem: pem, kind: "receipts-\(status.rawValue)", staging, into: &one) { page in
                let fetched = try await client.receiptsPage(
                    pem: pem, status: status, day: day, timeZone: timeZone, page: page)
                return (fetched.bytes, fetched.hasMore)
            }
        }
        if journals {
            one.kinds.insert("journals")
            try await walk(pem: pem, kind: "journals", staging, into: &one) { page in
                let fetched = try await client.journalsPage(pem: pem, from: day, to: day, page: page)
                return (fetched.bytes, fetched.hasMore)
            }
        }
        if let identity = identities[pem] {
            one.kinds.insert("notifications")
            try await walk(pem: pem, kind: "notifications", staging, into: &one) { page in
                let fetched = try await client.notificationsPage(identity: identity, page: page)
                return (fetched.bytes, fetched.hasMore)
            }
        }
        if supplier {
            one.kinds.insert("emergency-reports")
            try await walk(pem: pem, kind: "emergency-reports", staging, into: &one) { page in
                let fetched = try await client.emergencyReportsPage(pem: pem, page: page)
                return (fetched.bytes, fetched.hasMore)
            }
        }
        return one
    }

    /// Asks for pages 1, 2, … until one says there is no more, and stages each as `<PEM>/<kind>-<n>.json` (its place
    /// in the night: `acube/<PEM>/<kind>-<n>.json`).
    private func walk(
        pem: String, kind: String, _ staging: AcubeFetchStaging, into one: inout PemFetch,
        _ page: (Int) async throws -> (bytes: [UInt8], hasMore: Bool)
    ) async throws {
        var number = 1
        while true {
            onProgress?("\(pem) \(kind.replacingOccurrences(of: "-", with: " ")) page \(number)")
            let fetched = try await page(number)
            let name = "\(kind)-\(number).json"
            try staging.write(fetched.bytes, pem: pem, name: name)
            one.files.append(
                AcubeFetchedFile(relativePath: "acube/\(pem)/\(name)", byteCount: fetched.bytes.count))
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
