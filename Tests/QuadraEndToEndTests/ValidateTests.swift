import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `quadra validate` on what Quadra writes: the report and every upload's XML form, and every file named even when
/// one of them is missing.
@Suite struct ValidateTests {
    @Test func theUploadsQuadraWritesAreValidAndABrokenOneIsNot() async throws {
        let root = try QuadraBinary.temporaryDirectory("validate")
        let night = root.appendingPathComponent("night")
        let generate = try await QuadraBinary.runAsync([
            "generate", "--sales", "3000", "--pems", "4", "--terminals", "8", "--seed", "21", "--out", night.path,
            "--platform-outage", "0.8", "--client-outage", "0.8", "--ticket", "0.2", "--natura", "0.2",
        ])
        #expect(generate.status == 0, "\(generate.stderr)")
        let out = root.appendingPathComponent("out")
        #expect(try await QuadraBinary.runOffline(night, out, root: root).status == 1)
        let uploads = try FileManager.default.subpathsOfDirectory(atPath: out.appendingPathComponent("uploads").path)
            .filter { $0.hasSuffix(".xml") }.sorted().map { out.appendingPathComponent("uploads/" + $0).path }
        #expect(uploads.count >= 3, "\(uploads)")
        let valid = try await QuadraBinary.runAsync(["validate"] + uploads)
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(
            valid.stdout.split(separator: "\n").filter { $0.hasSuffix("valid (an emergency report upload)") }.count
                == uploads.count)

        // An amount with one decimal and a missing entry list are what A-Cube would refuse.
        let broken = root.appendingPathComponent("broken.xml")
        var text = try String(contentsOfFile: uploads[0], encoding: .utf8)
        let amount = try #require(text.firstRange(of: #/<cash_payment_amount>[0-9]+\.[0-9]{2}</#))
        text.replaceSubrange(amount, with: "<cash_payment_amount>12.5<")
        try Data(text.utf8).write(to: broken)
        let missing = root.appendingPathComponent("missing.xml").path
        let mixed = try await QuadraBinary.runAsync(["validate", broken.path, missing, uploads[1]])
        #expect(mixed.status == 2, "a missing file is exit 2: \(mixed.stdout)\(mixed.stderr)")
        #expect(mixed.stdout.contains("\(broken.path):5:"), "\(mixed.stdout)")
        #expect(mixed.stdout.contains("cash_payment_amount"), "\(mixed.stdout)")
        #expect(mixed.stderr.contains("\(missing): the file does not exist or cannot be read"))
        #expect(
            mixed.stdout.contains("\(uploads[1]): valid (an emergency report upload)"), "checked after the missing one")
    }

    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() async throws {
        let root = try QuadraBinary.temporaryDirectory("validate-fifo")
        let fifo = root.appendingPathComponent("register.xml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let result = try await QuadraBinary.runAsync(["validate", fifo])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(fifo): cannot read the file: not a regular file (a FIFO): not read"))
    }
}
