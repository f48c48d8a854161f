import Foundation
import QuadraCore

extension AcubeSimulator {
    /// The export kinds of formats.md §1.2, by the prefix of their file names.
    static let seedKinds = ["receipts", "journals", "notifications", "emergency-reports"]

    /// Loads `acube/<PEM>/{receipts*,journals*,notifications*,emergency-reports*}.json` of a night directory
    /// (receipts of `receipts-ready*` files are `ready`, the others `sent`): the members of every page (a list page `{"members":[…]}` or a bare array), in file name order with numbers
    /// compared by value (`receipts-2` before `receipts-10`), become the data served for that PEM, after what it
    /// already has. Every PEM folder becomes a known PEM, even with no files.
    ///
    /// Nothing is seeded unless every file loads: a missing `acube/` folder, an unreadable file, bad JSON or a
    /// member that is not an object throws an `AcubeSimulatorError` naming the file.
    public func seed(fromNight directory: URL) throws {
        let acube = directory.appendingPathComponent("acube", isDirectory: true)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: acube.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AcubeSimulatorError(path: acube.path, message: "no such directory: the night has no A-Cube exports")
        }
        var loaded: [(pem: String, data: AcubeSeedData)] = []
        for pem in try Self.entries(of: acube) {
            let folder = acube.appendingPathComponent(pem, isDirectory: true)
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            let files = try Self.entries(of: folder).filter { $0.hasSuffix(".json") }
            var data = AcubeSeedData()
            for kind in Self.seedKinds {
                for name in files where name.hasPrefix(kind) {
                    let members = try Self.members(of: folder.appendingPathComponent(name))
                    switch kind {
                    case "receipts":
                        // Files a fetch wrote from the `ready` list hold receipts not yet sent on to MF2.
                        let status: AcubeSeedReceipt.Status = name.hasPrefix("receipts-ready") ? .ready : .sent
                        data.receipts += members.map { AcubeSeedReceipt(member: $0, status: status) }
                    case "journals": data.journals += members
                    case "notifications": data.notifications += members
                    default: data.emergencyReports += members
                    }
                }
            }
            loaded.append((pem, data))
        }
        let now = configuration.now()
        state.withLockedValue { state in
            for (pem, data) in loaded {
                state.add(data, for: pem, now: now)
            }
        }
    }

    /// The names in `directory`, hidden ones left out, in natural order.
    static func entries(of directory: URL) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw AcubeSimulatorError(path: directory.path, message: "cannot list the directory: \(error)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted(by: naturallyBefore)
    }

    /// The members of one export file, each kept as its parsed object.
    static func members(of file: URL) throws -> [AcubeSeedMember] {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: file))
        } catch {
            throw AcubeSimulatorError(path: file.path, message: "cannot read the file: \(error)")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw AcubeSimulatorError(path: file.path, message: error.description)
        }
        let items: [JSONValue]
        switch root {
        case .array(let array):
            items = array
        case .object(let object):
            guard let array = object["members"]?.arrayValue else {
                throw AcubeSimulatorError(
                    path: file.path, message: "expected a list page with a \"members\" array, found no \"members\"")
            }
            items = array
        default:
            throw AcubeSimulatorError(
                path: file.path, message: "expected a list page or an array, found \(root.typeDescription)")
        }
        return try items.map { item in
            guard case .object(let object) = item else {
                throw AcubeSimulatorError(
                    path: file.path, message: "expected an object in the list, found \(item.typeDescription)")
            }
            return .object(object)
        }
    }

    /// Orders names with their digit runs compared by value: `receipts-2.json` before `receipts-10.json`.
    static func naturallyBefore(_ lhs: String, _ rhs: String) -> Bool {
        let left = chunks(lhs)
        let right = chunks(rhs)
        for (a, b) in zip(left, right) where a != b {
            switch (a, b) {
            case (.number(let x, let xText), .number(let y, let yText)):
                return x != y ? x < y : xText < yText
            case (.text(let x), .text(let y)):
                return x < y
            case (.number, .text):
                return true
            case (.text, .number):
                return false
            }
        }
        return left.count != right.count ? left.count < right.count : lhs < rhs
    }

    enum NameChunk: Equatable {
        case text(String)
        /// A digit run: its value (saturating) and its text, so `01` and `1` still differ.
        case number(Int, String)
    }

    static func chunks(_ name: String) -> [NameChunk] {
        var result: [NameChunk] = []
        var current = ""
        var inDigits = false
        func flush() {
            guard !current.isEmpty else { return }
            result.append(inDigits ? .number(Int(current) ?? Int.max, current) : .text(current))
            current = ""
        }
        for character in name {
            let isDigit = character.isASCII && character.isNumber
            if isDigit != inDigits {
                flush()
                inDigits = isDigit
            }
            current.append(character)
        }
        flush()
        return result
    }
}
