import Foundation
import QuadraCore

#if canImport(Glibc)
    import Glibc
#endif

/// The run's output folder. Every file is written whole to a temporary file beside it, flushed, then renamed
/// over the old one, so a crash or kill never leaves a half-written file.
struct OutputDirectory {
    let root: URL
    private(set) var written: [Manifest.Entry] = []

    /// Creates the folder when missing. Throws a `UsageFailure` (exit 2) when it cannot be made.
    init(root: URL) throws {
        self.root = root
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw UsageFailure(message: "--out: cannot create \(root.path): \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to `relativePath` atomically and records it for the manifest.
    mutating func write(_ relativePath: String, _ bytes: [UInt8], recordInManifest: Bool = true) throws {
        try makeFolder((relativePath as NSString).deletingLastPathComponent)
        let entry = try Self.write(relativePath, bytes, under: root)
        if recordInManifest { written.append(entry) }
    }

    /// Creates a folder under the root (and its parents) when missing.
    func makeFolder(_ relativePath: String) throws {
        guard !relativePath.isEmpty else { return }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(relativePath), withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `relativePath` under `root` (whose folder exists) atomically; returns its manifest entry.
    /// Safe to call from several threads for different files.
    static func write(_ relativePath: String, _ bytes: [UInt8], under root: URL) throws -> Manifest.Entry {
        try writeAtomically(bytes, to: root.appendingPathComponent(relativePath))
        return Manifest.Entry(path: relativePath, sha256: SHA256.hexDigest(of: bytes), bytes: Int64(bytes.count))
    }

    /// Records files written with the static `write` for the manifest, in the order given.
    mutating func record(_ entries: [Manifest.Entry]) { written.append(contentsOf: entries) }

    /// Removes files under `uploads/` that this run did not write: a stale upload must never be submitted.
    func removeStaleUploads(keeping kept: Set<String>) {
        let uploads = root.appendingPathComponent("uploads")
        guard let enumerator = FileManager.default.enumerator(atPath: uploads.path) else { return }
        var stale: [String] = []
        while let item = enumerator.nextObject() as? String {
            let relative = "uploads/" + item
            let isUpload = item.hasSuffix(".json") || item.hasSuffix(".xml")
            if isUpload, !kept.contains(relative) { stale.append(relative) }
        }
        for relative in stale { try? FileManager.default.removeItem(at: root.appendingPathComponent(relative)) }
    }

    static func writeAtomically(_ bytes: [UInt8], to target: URL) throws {
        let directory = target.deletingLastPathComponent().path
        let temporary = directory + "/." + target.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: target.path, reason: String(cString: strerror(errno))) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw OutputError(path: target.path, reason: reason)
            }
            offset += count
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(path: target.path, reason: reason)
        }
        guard rename(temporary, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(path: target.path, reason: reason)
        }
    }
}

/// A file of the output could not be written.
struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): cannot write: \(reason)" }
}
