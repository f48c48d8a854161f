import Foundation

/// Reads emergency registers kept as XML; the XML module implements it (the core never calls libxml2).
public protocol RegisterXMLReading: Sendable {
    func readRegister(url: URL, displayPath: String, timeZone: FiscalTimeZone) -> RegisterReadResult
}

/// A failure that stops the run before anything is written (exit 2): the night cannot be read at all.
public struct NightReadError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Stage 1 of a night: the input directory → `NightInputs` + diagnostics (formats.md §1). Readers never stop at
/// the first bad line: every bad line, row or file becomes a diagnostic and the rest is still read.
public struct NightReader {
    public var timeZone: FiscalTimeZone
    public var registerXML: (any RegisterXMLReading)?
    /// Called after each file with its path relative to the night, for progress display.
    public var onFileRead: (@Sendable (String) -> Void)?

    public init(timeZone: FiscalTimeZone, registerXML: (any RegisterXMLReading)?) {
        self.timeZone = timeZone
        self.registerXML = registerXML
    }

    /// Reads the night at `directory`. Throws only when the directory itself cannot be read.
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
        for name in try files(in: directory, "pos") where name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.gz") {
            readPosLog(directory.appendingPathComponent("pos").appendingPathComponent(name), "pos/" + name, &inputs)
        }
        for pem in try subdirectories(in: directory, "acube") {
            readAcube(pem: pem, directory.appendingPathComponent("acube").appendingPathComponent(pem), &inputs)
        }
        for name in try files(in: directory, "emergency") {
            readRegisterFile(
                directory.appendingPathComponent("emergency").appendingPathComponent(name), "emergency/" + name, &inputs
            )
        }
        inputs.files.sort { $0.path < $1.path }
        return inputs
    }

    // MARK: - POS logs

    private func readPosLog(_ url: URL, _ displayPath: String, _ inputs: inout NightInputs) {
        var records = 0
        var rejected = 0
        do {
            let summary = try LineReader.forEachLine(url: url) { lineNumber, line in
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
                records += 1
                let location = SourceLocation(file: displayPath, line: lineNumber)
                do {
                    let value = try JSONParser.parse(line, firstLine: lineNumber)
                    let record = try PosEventDecoder.decode(value)
                    if let conflict = inputs.ledger.add(record, at: location) {
                        rejected += 1
                        inputs.diagnostics.append(Diagnostic(location: location, message: conflict))
                    }
                } catch let error as JSONParseError {
                    rejected += 1
                    inputs.diagnostics.append(
                        Diagnostic(location: location, message: "bad JSON at column \(error.column): \(error.message)"))
                } catch let error as PosEventDecoder.Rejection {
                    rejected += 1
                    inputs.diagnostics.append(Diagnostic(location: location, message: error.message))
                }
            }
            if let truncation = summary.truncation {
                rejected += 1
                inputs.diagnostics.append(
                    Diagnostic(
                        location: SourceLocation(file: displayPath, line: summary.lines + 1),
                        message: truncation + "; the lines before it were read"))
            }
            inputs.files.append(
                InputFileRecord(
                    path: displayPath, kind: .posLog, sha256: summary.sha256, bytes: summary.bytes,
                    recordsRead: records, recordsRejected: rejected))
        } catch {
            rejectUnreadable(displayPath, kind: .posLog, error, &inputs)
        }
        onFileRead?(displayPath)
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
                rejectUnreadable(displayPath, kind: kind, error, &inputs)
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
            rejectUnreadable(
                displayPath, kind: displayPath.lowercased().hasSuffix(".xml") ? .registerXML : .registerCSV, error,
                &inputs)
        }
        onFileRead?(displayPath)
    }

    // MARK: - Directory walking

    private func rejectUnreadable(
        _ displayPath: String, kind: InputKind, _ error: any Error, _ inputs: inout NightInputs
    ) {
        inputs.diagnostics.append(
            Diagnostic(
                location: SourceLocation(file: displayPath),
                message: "the file could not be read: \(error); it was skipped", wholeFile: true))
        inputs.files.append(
            InputFileRecord(path: displayPath, kind: kind, sha256: "", bytes: 0, recordsRead: 0, recordsRejected: 1))
    }

    /// Regular files of `directory/sub`, sorted by name; none when the folder is missing.
    private func files(in directory: URL, _ sub: String) throws -> [String] {
        try entries(in: directory, sub).filter { !$0.isDirectory }.map(\.name)
    }

    private func subdirectories(in directory: URL, _ sub: String) throws -> [String] {
        try entries(in: directory, sub).filter(\.isDirectory).map(\.name)
    }

    private func entries(in directory: URL, _ sub: String) throws -> [(name: String, isDirectory: Bool)] {
        let folder = directory.appendingPathComponent(sub)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw NightReadError(message: "\(folder.path): the folder cannot be read: \(error.localizedDescription)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            var childIsDirectory: ObjCBool = false
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(name).path, isDirectory: &childIsDirectory)
            return (name, childIsDirectory.boolValue)
        }
    }
}
