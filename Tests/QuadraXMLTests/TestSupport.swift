import Foundation

/// Paths and temporary files for the QuadraXML tests.
enum TestSupport {
    /// `Tests/QuadraXMLTests`.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The package root, where `Templates/` lives.
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    /// A fixture under `Fixtures/`, e.g. `valid/register.xml`.
    static func fixture(_ path: String) -> URL {
        testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    /// Writes `bytes` to a new file in a fresh temporary directory and returns its URL.
    static func temporaryFile(named name: String, bytes: [UInt8]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quadra-xml-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Writes `text` as UTF-8 to a new temporary file.
    static func temporaryFile(named name: String, text: String) throws -> URL {
        try temporaryFile(named: name, bytes: Array(text.utf8))
    }
}
