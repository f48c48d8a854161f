import Foundation
import QuadraCore

#if canImport(Glibc)
    import Glibc
#endif

/// The run's output folder, replaced as a set: OUT holds either the previous complete set of files or the new one,
/// and `manifest.json`, when present, always describes the files beside it.
///
/// 1. Stage: every file is rendered and written to a temporary file beside its target (`.NAME.tmp-PID`) and
///    flushed. A failure here (a full disk, a kill) removes the temporaries: nothing in OUT has changed.
/// 2. Commit: a journal (`.quadra-commit`) lists the renames and the stale uploads to remove, and is itself put in
///    place by a rename; then the old manifest is removed, the files are renamed over the old ones, the stale
///    uploads removed, the new manifest renamed last, and the journal removed.
/// 3. Recovery: the next run into OUT finishes a commit whose journal it finds (every temporary it names was
///    complete before the journal existed) and removes every other leftover temporary.
///
/// A lock on OUT keeps two runs from writing one OUT at once (the second waits for the first).
public struct OutputDirectory: Sendable {
    public let root: URL

    static let journalName = ".quadra-commit"

    /// Creates the folder when missing. Throws a `PipelineFailure` (exit 2) when it cannot be made.
    public init(root: URL) throws {
        self.root = root
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw PipelineFailure(message: "--out: cannot create \(root.path): \(SystemErrorText.describe(error))")
        }
    }

    /// One file of a set: its path under OUT and how to make it.
    struct File {
        enum Content {
            /// The whole file, rendered in memory.
            case rendered(@Sendable () throws -> [UInt8])
            /// A file written at its staged temporary path (given, already created and empty; the writer may
            /// replace it), for files too big to hold in memory. The set reads it back for the manifest.
            case written(@Sendable (_ temporary: String) throws -> Void)
        }

        var path: String
        var content: Content

        init(path: String, render: @escaping @Sendable () throws -> [UInt8]) {
            self.path = path
            content = .rendered(render)
        }

        init(path: String, write: @escaping @Sendable (_ temporary: String) throws -> Void) {
            self.path = path
            content = .written(write)
        }
    }

    /// Replaces OUT's set with `files` and the manifest `manifest` builds from their entries (in `files`' order);
    /// removes the uploads under `uploads/` that are not in the set, so a stale upload is never submitted.
    func replaceSet(
        _ files: [File], manifest: ([Manifest.Entry]) -> [UInt8], workers: Int
    ) throws {
        for file in files + [File(path: "manifest.json", render: { [] })] {
            guard Self.staysInside(file.path) else {
                throw OutputError(path: file.path, reason: "refused: the path would leave the output folder")
            }
        }
        let lock = try lockFolder()
        defer { close(lock) }
        try recover()
        for folder in Set(files.map { ($0.path as NSString).deletingLastPathComponent }) where !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            } catch {
                throw OutputError(
                    path: root.appendingPathComponent(folder).path, reason: SystemErrorText.describe(error))
            }
        }
        // 1. stage. The big files first, so that their rendering starts at once and the small uploads fill in.
        let root = self.root
        let order = Array(files.indices.reversed())
        var staged: [(temporary: String, target: String)] = []
        let entries: [Manifest.Entry]
        do {
            let results = try ParallelWork.map(count: files.count, workers: workers) { index in
                let file = files[order[index]]
                let target = root.appendingPathComponent(file.path)
                switch file.content {
                case .rendered(let render):
                    let bytes = try render()
                    let temporary = try Self.stage(bytes, for: target)
                    return (
                        temporary,
                        Manifest.Entry(path: file.path, sha256: SHA256.hexDigest(of: bytes), bytes: Int64(bytes.count))
                    )
                case .written(let write):
                    let (temporary, sha256, bytes) = try Self.stage(writtenBy: write, for: target)
                    return (temporary, Manifest.Entry(path: file.path, sha256: sha256, bytes: bytes))
                }
            }
            var ordered = [Manifest.Entry?](repeating: nil, count: files.count)
            for (index, result) in zip(order, results) {
                ordered[index] = result.1
                staged.append((result.0, files[index].path))
            }
            entries = ordered.map { $0.unsafelyUnwrapped }
            let manifestTemporary = try Self.stage(manifest(entries), for: root.appendingPathComponent("manifest.json"))
            staged.append((manifestTemporary, "manifest.json"))
        } catch {
            // Rendering threads may have staged files the list above never got: they are all tracked.
            Self.removeTracked(under: root.path)
            for item in staged { unlink(item.temporary) }
            throw error
        }
        // 2. commit
        let kept = Set(files.map(\.path))
        let stale = staleUploads(keeping: kept)
        try Interruption.whileCommitting {
            try writeJournal(renames: staged, removals: stale)
            try finishCommit(renames: staged, removals: stale)
        }
    }

    /// Whether `relativePath` names a file inside OUT: relative, and no component empty, `.` or `..`.
    static func staysInside(_ relativePath: String) -> Bool {
        guard !relativePath.hasPrefix("/") else { return false }
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        return !components.isEmpty && components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    // MARK: - Staging

    /// Writes `bytes` to a temporary file beside `target`, flushed to disk; returns its path.
    static func stage(_ bytes: [UInt8], for target: URL) throws -> String {
        let temporary = temporaryPath(for: target)
        let fd = Interruption.createTracked(temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
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
        return temporary
    }

    /// The temporary path `stage` gives `target`: `.NAME.tmp-PID` beside it.
    static func temporaryPath(for target: URL) -> String {
        target.deletingLastPathComponent().path + "/." + target.lastPathComponent + ".tmp-\(getpid())"
    }

    /// A scratch file for a file being written at `temporary` (`.NAME.tmp-PID`): `.NAME.PART.tmp-PID` beside it,
    /// which `recover` removes as it removes every leftover temporary. The writer tracks it with `Interruption`.
    static func scratchPath(for temporary: String, part: String) -> String {
        guard let mark = temporary.range(of: ".tmp-", options: .backwards) else { return temporary + "." + part }
        return String(temporary[..<mark.lowerBound]) + "." + part + String(temporary[mark.lowerBound...])
    }

    /// Has `write` write a file at a temporary path beside `target`, then reads it back: returns the path, the
    /// file's SHA-256 and size. The file is flushed to disk.
    static func stage(
        writtenBy write: (_ temporary: String) throws -> Void, for target: URL
    ) throws -> (temporary: String, sha256: String, bytes: Int64) {
        let temporary = temporaryPath(for: target)
        let created = Interruption.createTracked(temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard created >= 0 else { throw OutputError(path: target.path, reason: String(cString: strerror(errno))) }
        close(created)
        do {
            try write(temporary)
        } catch let error as OutputError {
            unlink(temporary)
            throw OutputError(path: target.path, reason: error.reason)
        } catch {
            unlink(temporary)
            throw error
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(path: target.path, reason: reason)
        }
        var hasher = SHA256()
        var size: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                let failed = count < 0 || fsync(fd) != 0
                let reason = String(cString: strerror(errno))
                close(fd)
                if failed {
                    unlink(temporary)
                    throw OutputError(path: target.path, reason: reason)
                }
                return (temporary, SHA256.hex(hasher.finalize()), size)
            }
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            size += Int64(count)
        }
    }

    /// Writes one file atomically on its own (a temporary file, then rename): for files outside a set.
    public static func writeAtomically(_ bytes: [UInt8], to target: URL) throws {
        let temporary = try stage(bytes, for: target)
        defer { Interruption.untrack(temporary) }
        guard rename(temporary, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(path: target.path, reason: reason)
        }
    }

    private static func removeTracked(under root: String) {
        for path in Interruption.tracked() where path.hasPrefix(root + "/") {
            unlink(path)
            Interruption.untrack(path)
        }
    }

    // MARK: - Commit

    private var journal: String { root.appendingPathComponent(Self.journalName).path }

    /// Puts the journal in place: one line per step, `rename<TAB>temporary<TAB>target` or `remove<TAB>path`, paths
    /// relative to OUT; renamed into place whole, so a journal present is a journal complete.
    private func writeJournal(renames: [(temporary: String, target: String)], removals: [String]) throws {
        let prefix = root.path + "/"
        var text = ""
        for item in renames {
            text += "rename\t" + String(item.temporary.dropFirst(prefix.count)) + "\t" + item.target + "\n"
        }
        for path in removals { text += "remove\t" + path + "\n" }
        try Self.writeAtomically(Array(text.utf8), to: URL(fileURLWithPath: journal))
        Self.syncFolder(root.path)
    }

    /// Carries out a journal's steps: the old manifest goes first and the new one comes last, so a manifest that
    /// is present always matches the files.
    private func finishCommit(renames: [(temporary: String, target: String)], removals: [String]) throws {
        // The new manifest's temporary gone means an earlier pass renamed it, the last step: all is in place.
        if let manifest = renames.first(where: { $0.target == "manifest.json" }), access(manifest.temporary, F_OK) == 0
        {
            unlink(root.appendingPathComponent("manifest.json").path)
        }
        var folders: Set<String> = [root.path]
        let ordered = renames.filter { $0.target != "manifest.json" } + renames.filter { $0.target == "manifest.json" }
        for item in ordered {
            let target = root.appendingPathComponent(item.target).path
            if item.target == "manifest.json" {
                for path in removals { unlink(root.appendingPathComponent(path).path) }
                for folder in folders { Self.syncFolder(folder) }
            }
            // A temporary already gone was renamed by an earlier, interrupted pass of this journal.
            if rename(item.temporary, target) != 0, errno != ENOENT {
                throw OutputError(path: target, reason: String(cString: strerror(errno)))
            }
            Interruption.untrack(item.temporary)
            folders.insert((target as NSString).deletingLastPathComponent)
        }
        Self.syncFolder(root.path)
        unlink(journal)
    }

    /// Finishes a commit an interrupted run left (its journal), then removes every leftover temporary file.
    func recover() throws {
        if let data = FileManager.default.contents(atPath: journal) {
            var renames: [(temporary: String, target: String)] = []
            var removals: [String] = []
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                if fields.count == 3, fields[0] == "rename", Self.staysInside(fields[1]), Self.staysInside(fields[2]) {
                    renames.append((root.appendingPathComponent(fields[1]).path, fields[2]))
                } else if fields.count == 2, fields[0] == "remove", Self.staysInside(fields[1]) {
                    removals.append(fields[1])
                }
            }
            try finishCommit(renames: renames, removals: removals)
        }
        for folder in [root.path] + uploadFolders() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names where Self.isTemporaryName(name) { unlink(folder + "/" + name) }
        }
    }

    /// `.NAME.tmp-PID`, as `stage` names its files.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let mark = name.range(of: ".tmp-", options: .backwards) else { return false }
        let pid = name[mark.upperBound...]
        return !pid.isEmpty && pid.allSatisfy(\.isASCII) && pid.allSatisfy(\.isNumber)
    }

    private func uploadFolders() -> [String] {
        let uploads = root.appendingPathComponent("uploads").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []
        return [uploads] + names.filter { !$0.hasPrefix(".") }.map { uploads + "/" + $0 }
    }

    /// The files under `uploads/` (`.json`, `.xml`) the new set does not hold.
    private func staleUploads(keeping kept: Set<String>) -> [String] {
        let uploads = root.appendingPathComponent("uploads")
        guard let enumerator = FileManager.default.enumerator(atPath: uploads.path) else { return [] }
        var stale: [String] = []
        while let item = enumerator.nextObject() as? String {
            let relative = "uploads/" + item
            let isUpload = item.hasSuffix(".json") || item.hasSuffix(".xml")
            let name = (item as NSString).lastPathComponent
            if isUpload, !name.hasPrefix("."), !kept.contains(relative) { stale.append(relative) }
        }
        return stale.sorted()
    }

    // MARK: - Lock and sync

    /// Takes OUT's lock (a `flock` on the folder itself: no file is added to OUT), waiting for another run that
    /// is writing the same OUT.
    private func lockFolder() throws -> Int32 {
        let path = root.path
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw OutputError(path: path, reason: reason)
        }
        return fd
    }

    /// Flushes a folder's entries (the renames in it) to disk.
    private static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// A file of the output could not be written.
public struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    public var description: String { "\(path): cannot write: \(reason)" }
}
