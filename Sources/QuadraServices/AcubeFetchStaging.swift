import Foundation
import QuadraCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A page `quadra fetch` could not write, or move into place: an operational failure naming the path.
public struct AcubeFetchStorageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Where a fetch keeps its pages until every PEM is fetched: `NIGHT/acube/.fetch-<pid>/<PEM>/<file>`, a hidden folder
/// the night reader skips. Each page is written there as it arrives, so memory holds the pages being received, not
/// the night; once every PEM is fetched, the pages are renamed into `acube/<PEM>/` (the same file system, so each
/// move is atomic) and the stale pages removed. A failure before that removes the folder: the night is as it was.
///
/// A staging folder whose fetch is no longer running (killed, or the machine stopped) is removed by the next fetch
/// into the night; one whose process is alive belongs to a fetch still running and is left alone.
struct AcubeFetchStaging: Sendable {
    /// The start of a staging folder's name; the process id follows.
    static let prefix = ".fetch-"

    /// `NIGHT/acube`.
    let acube: URL
    /// `NIGHT/acube/.fetch-<pid>`.
    let directory: URL

    /// Creates this process's staging folder under `night/acube/` (and `acube/` when missing), after removing the
    /// staging folders of fetches that are no longer running.
    init(night: URL, processID: Int32 = getpid()) throws(AcubeFetchStorageError) {
        acube = night.appendingPathComponent("acube")
        directory = acube.appendingPathComponent(Self.prefix + String(processID))
        do {
            try FileManager.default.createDirectory(at: acube, withIntermediateDirectories: true)
        } catch {
            throw AcubeFetchStorageError(path: acube.path, reason: "cannot create the folder: \(Self.reason(error))")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: acube.path)) ?? []
        for name in names where Self.isAbandoned(name, ownProcessID: processID) {
            let leftover = acube.appendingPathComponent(name)
            do {
                try FileManager.default.removeItem(at: leftover)
            } catch {
                throw AcubeFetchStorageError(
                    path: leftover.path, reason: "cannot remove what an earlier fetch left: \(Self.reason(error))")
            }
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        } catch {
            throw AcubeFetchStorageError(
                path: directory.path, reason: "cannot create the folder: \(Self.reason(error))")
        }
    }

    /// Whether `name` (an entry of `acube/`) is a staging folder no running fetch owns: ours (a reused process id),
    /// a process that no longer exists, or a name with no process id.
    static func isAbandoned(_ name: String, ownProcessID: Int32) -> Bool {
        guard name.hasPrefix(prefix) else { return false }
        guard let owner = Int32(name.dropFirst(prefix.count)), owner > 0, owner != ownProcessID else { return true }
        return kill(owner, 0) != 0 && errno == ESRCH
    }

    /// Writes one page to `<staging>/<pem>/<name>` (flushed to disk, so that the rename that publishes it publishes
    /// whole bytes).
    func write(_ bytes: [UInt8], pem: String, name: String) throws(AcubeFetchStorageError) {
        let folder = directory.appendingPathComponent(pem)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw AcubeFetchStorageError(path: folder.path, reason: "cannot create the folder: \(Self.reason(error))")
        }
        let path = folder.appendingPathComponent(name).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AcubeFetchStorageError(path: path, reason: Self.lastError()) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Self.systemWrite(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = Self.lastError()
                close(descriptor)
                throw AcubeFetchStorageError(path: path, reason: reason)
            }
            offset += count
        }
        guard fsync(descriptor) == 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw AcubeFetchStorageError(path: path, reason: reason)
        }
        guard close(descriptor) == 0 else { throw AcubeFetchStorageError(path: path, reason: Self.lastError()) }
    }

    /// Moves every staged page (`(pem, name)`, in order) into `acube/<pem>/`, then removes the pages of the kinds
    /// fetched that this fetch did not write, then the staging folder. Returns warnings (a stale page that could not
    /// be removed); throws when a page cannot be moved.
    func publish(_ pages: [(pem: String, name: String)], fetchedKinds: [String: Set<String>])
        throws(AcubeFetchStorageError) -> [String]
    {
        var written: [String: Set<String>] = [:]
        for page in pages {
            let folder = acube.appendingPathComponent(page.pem)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw AcubeFetchStorageError(
                    path: folder.path, reason: "cannot create the folder: \(Self.reason(error))")
            }
            let staged = directory.appendingPathComponent(page.pem).appendingPathComponent(page.name).path
            let target = folder.appendingPathComponent(page.name).path
            guard rename(staged, target) == 0 else {
                throw AcubeFetchStorageError(
                    path: target, reason: "cannot move the fetched page into place: \(Self.lastError())")
            }
            written[page.pem, default: []].insert(page.name)
        }
        var warnings: [String] = []
        for (pem, kinds) in fetchedKinds.sorted(by: { $0.key < $1.key }) {
            let folder = acube.appendingPathComponent(pem)
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in AcubeFetcher.staleFiles(existing: existing, written: written[pem] ?? [], fetchedKinds: kinds) {
                do {
                    try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
                } catch {
                    warnings.append("cannot remove the stale page \(folder.path)/\(name): \(Self.reason(error))")
                }
            }
        }
        discard()
        return warnings
    }

    /// Removes the staging folder and whatever it holds.
    func discard() {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
            Darwin.write(descriptor, buffer, count)
        #elseif canImport(Glibc)
            Glibc.write(descriptor, buffer, count)
        #else
            Musl.write(descriptor, buffer, count)
        #endif
    }

    private static func lastError() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }

    private static func reason(_ error: any Error) -> String {
        SystemErrorText.describe(error)
    }
}
