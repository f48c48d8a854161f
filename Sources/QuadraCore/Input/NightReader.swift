import Foundation

/// Stage 1 of a night: the input directory → `NightInputs` + diagnostics (formats.md §1). Readers never stop at
/// the first bad line: every bad line, row or file becomes a diagnostic and the rest is still read.
public struct NightReader: Sendable {
    public var timeZone: FiscalTimeZone
    public var registerXML: (any RegisterXMLReading)?
    /// Called after each file with its path relative to the night, for progress display (from any thread).
    public var onFileRead: (@Sendable (String) -> Void)?
    /// Threads that read (A-Cube folders, then POS logs) at once.
    public var workers = ParallelWork.defaultWorkers
    /// About how many bytes of POS log go to one partition: memory grows with one partition per thread.
    public var partitionBytes = 4 << 20
    /// Where the POS records are spilled (unlinked files: nothing is left behind).
    public var spillDirectory = FileManager.default.temporaryDirectory
    /// The longest POS log line read, plain or decompressed (without its line end): a longer one is rejected
    /// (`INPUT_REJECTED` with its file and line) without being held in memory, and the rest of the file is read.
    public var maximumLineBytes = LineReader.defaultMaximumLineBytes

    /// The most partitions a night is split into.
    static let maximumPartitions = 1024

    public init(timeZone: FiscalTimeZone, registerXML: (any RegisterXMLReading)?) {
        self.timeZone = timeZone
        self.registerXML = registerXML
    }

    /// Reads the night at `directory`. Throws only when the directory itself cannot be read (or the POS records
    /// cannot be spilled).
    ///
    /// A-Cube data and registers are read first (a PEM folder or a register file per task); then the POS logs, on several
    /// threads, each record spilled to the partition of its sale. A record that conflicts with one read before it
    /// (a second, different `sale` for one sale id…) is found when the partitions are reconciled, not here.
    public func read(directory: URL) throws -> NightInputs {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw NightReadError(message: "\(directory.path): the input directory does not exist or is not a directory")
        }
        guard FileManager.default.isReadableFile(atPath: directory.path) else {
            throw NightReadError(message: "\(directory.path): the input directory cannot be read (permissions?)")
        }
        var inputs = NightInputs()
        // One task per PEM folder, then one per register file, on several threads; merged in that order.
        let pems = try pemFolders(in: directory, &inputs)
        let registers = try files(in: directory, "emergency", &inputs)
        let reader = self
        let acubeFolder = directory.appendingPathComponent("acube")
        let registerFolder = directory.appendingPathComponent("emergency")
        let parts = try ParallelWork.map(count: pems.count + registers.count, workers: workers) {
            position -> NightInputs in
            var part = NightInputs()
            if position < pems.count {
                reader.readAcube(pem: pems[position], acubeFolder.appendingPathComponent(pems[position]), &part)
            } else {
                let name = registers[position - pems.count]
                reader.readRegisterFile(registerFolder.appendingPathComponent(name), "emergency/" + name, &part)
            }
            return part
        }
        for part in parts {
            inputs.acube.merge(part.acube) { first, _ in first }
            inputs.registers.append(contentsOf: part.registers)
            inputs.diagnostics.append(contentsOf: part.diagnostics)
            inputs.files.append(contentsOf: part.files)
        }
        let posNames = try files(in: directory, "pos", &inputs).filter {
            $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.gz")
        }
        try readPosLogs(directory.appendingPathComponent("pos"), posNames, &inputs)
        inputs.files.sort { $0.path < $1.path }
        inputs.diagnostics.sort { $0.location < $1.location }
        return inputs
    }

    // MARK: - POS logs

    /// What reading one POS log gave.
    private struct PosFileResult: Sendable {
        var record: InputFileRecord
        var diagnostics: [Diagnostic]
    }

    /// What one reading thread gave: its spill file and chunks, and the files it read.
    private struct PosWorkerResult: @unchecked Sendable {
        var writer: SpillWriter
        var files: [(index: Int, result: PosFileResult)]
        /// The client-window marks of every record read, before repeats and conflicts are sorted out.
        var marks: ClientMarks
    }

    private func readPosLogs(_ folder: URL, _ names: [String], _ inputs: inout NightInputs) throws {
        let urls = names.map { folder.appendingPathComponent($0) }
        let paths = names.map { "pos/" + $0 }
        var total = 0
        for (url, name) in zip(urls, names) {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            total += name.hasSuffix(".gz") ? size * 8 : size
        }
        let partitions = min(Self.maximumPartitions, max(1, total / max(1, partitionBytes)))
        let queue = WorkQueue(count: urls.count)
        let workerCount = max(1, min(workers, urls.count))
        let spillDirectory = self.spillDirectory
        let reader = self
        let results = try ParallelWork.map(count: workerCount, workers: workerCount) { _ -> PosWorkerResult in
            let writer = try SpillWriter(directory: spillDirectory, partitionCount: partitions)
            var files: [(index: Int, result: PosFileResult)] = []
            var marks = ClientMarks()
            while let index = queue.next() {
                files.append(
                    (index, try reader.readPosLog(urls[index], paths[index], fileIndex: index, into: writer, &marks)))
            }
            try writer.finish()
            return PosWorkerResult(writer: writer, files: files, marks: marks)
        }
        var chunks = Array(repeating: [SpilledSales.Chunk](), count: partitions)
        var fileResults = [PosFileResult?](repeating: nil, count: urls.count)
        for worker in results {
            for (partition, chunk) in worker.writer.chunks { chunks[partition].append(chunk) }
            for (index, result) in worker.files { fileResults[index] = result }
        }
        let spilled = SpilledSales(
            partitionCount: partitions, files: paths, chunks: chunks,
            descriptors: results.map(\.writer.fileDescriptor))
        let records = fileResults.compactMap { $0 }
        var marks = ClientMarks()
        for worker in results { marks.merge(worker.marks) }
        for result in records { inputs.diagnostics.append(contentsOf: result.diagnostics) }
        // A log that could not be read has no hash: not listed among the inputs; its INPUT_REJECTED names it.
        inputs.files.append(contentsOf: records.map(\.record).filter { !$0.sha256.isEmpty })
        inputs.spilled = spilled
        inputs.provisionalClientMarks = marks
    }

    private func readPosLog(
        _ url: URL, _ displayPath: String, fileIndex: Int, into writer: SpillWriter, _ marks: inout ClientMarks
    ) throws -> PosFileResult {
        var records = 0
        var rejected = 0
        var diagnostics: [Diagnostic] = []
        defer { onFileRead?(displayPath) }
        do {
            let summary = try LineReader.forEachLine(url: url, maximumLineBytes: maximumLineBytes) { lineNumber, line in
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
                records += 1
                // The fast scanner spills the record straight from the line; anything else takes the strict path.
                if try writer.appendScanned(line, file: fileIndex, line: lineNumber, marks: &marks) { return }
                if let rejection = try writer.appendStrictly(line, file: fileIndex, line: lineNumber, marks: &marks) {
                    rejected += 1
                    diagnostics.append(
                        Diagnostic(
                            location: SourceLocation(file: displayPath, line: lineNumber), message: rejection.message))
                }
            }
            for overlong in summary.overlongLines {
                records += 1
                rejected += 1
                diagnostics.append(
                    Diagnostic(
                        location: SourceLocation(file: displayPath, line: overlong.line),
                        message: "the line is too long: expected at most \(maximumLineBytes) bytes, found "
                            + "\(overlong.bytes); it was skipped (quadra run --max-line-mb raises the limit)"))
            }
            if let truncation = summary.truncation {
                rejected += 1
                diagnostics.append(
                    Diagnostic(
                        location: SourceLocation(file: displayPath, line: summary.lines + 1),
                        message: truncation + "; the lines before it were read"))
            }
            return PosFileResult(
                record: InputFileRecord(
                    path: displayPath, kind: .posLog, sha256: summary.sha256, bytes: summary.bytes,
                    recordsRead: records, recordsRejected: rejected),
                diagnostics: diagnostics)
        } catch let error as FileReadError {
            return PosFileResult(
                record: InputFileRecord(
                    path: displayPath, kind: .posLog, sha256: "", bytes: 0, recordsRead: 0, recordsRejected: 1),
                diagnostics: [
                    Diagnostic(
                        location: SourceLocation(file: displayPath),
                        message: "the file could not be read: \(error.reason); it was skipped", wholeFile: true)
                ])
        }
    }

    // MARK: - A-Cube exports

    private func readAcube(pem: String, _ folder: URL, _ inputs: inout NightInputs) {
        var data = AcubeData(pem: pem)
        let kinds: [(prefix: String, kind: InputKind)] = [
            ("receipts", .acubeReceipts), ("journals", .acubeJournals), ("notifications", .acubeNotifications),
            ("emergency-reports", .acubeEmergencyReports),
        ]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
        for name in names where name.hasSuffix(".json") {
            guard let kind = kinds.first(where: { name.hasPrefix($0.prefix) })?.kind else { continue }
            let displayPath = "acube/\(pem)/\(name)"
            do {
                let bytes = try POSIXFile.readAll(url: folder.appendingPathComponent(name))
                let result = AcubeExportReader.read(
                    bytes, kind: kind, displayPath: displayPath, timeZone: timeZone, into: &data)
                inputs.diagnostics.append(contentsOf: result.diagnostics)
                let wholeFile = result.diagnostics.contains(where: \.wholeFile)
                inputs.files.append(
                    InputFileRecord(
                        path: displayPath, kind: kind, sha256: SHA256.hexDigest(of: bytes), bytes: Int64(bytes.count),
                        recordsRead: result.recordsRead,
                        recordsRejected: wholeFile ? max(1, result.recordsRead) : result.diagnostics.count))
            } catch {
                rejectUnreadable(displayPath, error, &inputs)
            }
            onFileRead?(displayPath)
        }
        inputs.acube[pem] = data
    }

    // MARK: - Registers

    /// Reads one emergency register, CSV or XML by its name; nil for any other file. Throws when the file
    /// cannot be read at all. Used for the night's `emergency/` folder and by `quadra prepare`.
    public func readRegister(url: URL, displayPath: String) throws -> (
        result: RegisterReadResult, record: InputFileRecord
    )? {
        let lower = url.lastPathComponent.lowercased()
        let kind: InputKind
        let result: RegisterReadResult
        let bytes: [UInt8]
        if lower.hasSuffix(".csv") {
            kind = .registerCSV
            bytes = try POSIXFile.readAll(url: url)
            result = CSVRegisterReader.parse(bytes, displayPath: displayPath, timeZone: timeZone)
        } else if lower.hasSuffix(".xml") {
            kind = .registerXML
            bytes = try POSIXFile.readAll(url: url)
            result =
                registerXML?.readRegister(url: url, displayPath: displayPath, timeZone: timeZone)
                ?? RegisterReadResult(diagnostics: [
                    Diagnostic(
                        location: SourceLocation(file: displayPath),
                        message: "XML registers cannot be read by this build", wholeFile: true)
                ])
        } else {
            return nil
        }
        let record = InputFileRecord(
            path: displayPath, kind: kind, sha256: SHA256.hexDigest(of: bytes), bytes: Int64(bytes.count),
            recordsRead: result.recordsRead, recordsRejected: result.recordsRejected)
        return (result, record)
    }

    private func readRegisterFile(_ url: URL, _ displayPath: String, _ inputs: inout NightInputs) {
        do {
            if let (result, record) = try readRegister(url: url, displayPath: displayPath) {
                inputs.registers.append(contentsOf: result.entries)
                inputs.diagnostics.append(contentsOf: result.diagnostics)
                inputs.files.append(record)
            }
        } catch {
            rejectUnreadable(displayPath, error, &inputs)
        }
        onFileRead?(displayPath)
    }

    // MARK: - Directory walking

    private func rejectUnreadable(
        _ displayPath: String, _ error: any Error, _ inputs: inout NightInputs
    ) {
        // The location names the file (relative to the night); the reason never repeats the absolute path.
        let reason = (error as? FileReadError)?.reason ?? "\(error)"
        // Not listed among the inputs (it was not read: it has no hash); its INPUT_REJECTED names it.
        inputs.diagnostics.append(
            Diagnostic(
                location: SourceLocation(file: displayPath),
                message: "the file could not be read: \(reason); it was skipped", wholeFile: true))
    }

    /// One entry of a night folder, with what it is (links followed); a nil kind when it cannot be examined.
    struct FolderEntry {
        var name: String
        var kind: FileKind?
    }

    /// The entries of `directory/sub` (hidden ones left out), sorted by name; none when the folder is missing.
    private func entries(in directory: URL, _ sub: String) throws -> [FolderEntry] {
        let folder = directory.appendingPathComponent(sub)
        guard FileKind.of(path: folder.path) == .directory else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw NightReadError(message: "\(folder.path): the folder cannot be read (permissions?)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            FolderEntry(name: name, kind: FileKind.of(path: folder.appendingPathComponent(name).path))
        }
    }

    /// The regular files of `sub` (`pos`, `emergency`); every other entry there (a folder, a FIFO, a device, a
    /// dangling link) is reported and never opened, so no entry can hang the night or be skipped unseen.
    private func files(in directory: URL, _ sub: String, _ inputs: inout NightInputs) throws -> [String] {
        var names: [String] = []
        for entry in try entries(in: directory, sub) {
            let problem: String
            switch entry.kind {
            case .regular:
                names.append(entry.name)
                continue
            case .directory:
                problem = "a folder: only the files directly in \(sub)/ are read, so nothing in it was read"
            case .some(let kind):
                problem = "not a regular file (\(kind.notRegularDescription ?? "not a file")): not read"
            case nil:
                problem = "cannot be examined (a dangling link, or no permission): not read"
            }
            inputs.diagnostics.append(
                Diagnostic(location: SourceLocation(file: "\(sub)/\(entry.name)"), message: problem, wholeFile: true))
        }
        return names
    }

    /// The PEM folders of `acube/`. A folder whose name is not a PEM serial (`PEMSerial`) is reported and not read:
    /// its name would become part of paths and A-Cube URLs. Files directly in `acube/` are not exports: ignored.
    private func pemFolders(in directory: URL, _ inputs: inout NightInputs) throws -> [String] {
        var pems: [String] = []
        for entry in try entries(in: directory, "acube") where entry.kind == .directory {
            if PEMSerial.isValid(entry.name) {
                pems.append(entry.name)
            } else {
                inputs.diagnostics.append(
                    Diagnostic(
                        location: SourceLocation(file: "acube/\(entry.name)"),
                        message: PEMSerial.rejection(of: entry.name, in: "folder name") + "; the folder was not read",
                        wholeFile: true))
            }
        }
        return pems
    }
}
