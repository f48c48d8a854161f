import Foundation
import QuadraCore
import QuadraGenerator

/// A generated night for tests: six PEMs, twelve terminals and every scenario at a rate that shows up in a few
/// thousand sales, in a fresh temporary folder, with the findings the generator planted.
public enum GeneratedNight {
    public static func write(seed: UInt64, sales: Int = 4000) throws -> (URL, [FindingCode: Int]) {
        var settings = NightGenerator.Settings()
        settings.sales = sales
        settings.pems = 6
        settings.terminals = 12
        settings.seed = seed
        settings.crash = 0.02
        settings.override = 0.01
        settings.doubleCharge = 0.01
        settings.receiptMissing = 0.01
        settings.clientOutage = 0.5
        settings.platformOutage = 0.5
        settings.incident = 0.5
        settings.badLine = 0.002
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quadra-gen-\(UUID().uuidString)")
        let expected = try NightGenerator(settings: settings).write(to: directory)
        return (directory, expected)
    }
}
