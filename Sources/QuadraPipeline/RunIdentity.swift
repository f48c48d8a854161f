import Foundation
import QuadraCore

/// A run's id: derived from the as-of and the inputs when the run is pinned (`--as-of`), so that pinned runs are
/// reproducible, random otherwise.
public enum RunIdentity {
    public static func derived(asOf: Instant, inputs: [InputFileRecord]) -> String {
        var hasher = SHA256()
        hasher.update(Array("quadra-run\n\(asOf.millis)\n".utf8))
        for file in inputs { hasher.update(Array("\(file.path)\t\(file.sha256)\n".utf8)) }
        return String(SHA256.hex(hasher.finalize()).prefix(16))
    }

    public static func random() -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
    }
}

/// The wall clock, as an `Instant`.
public enum RunClock {
    public static func now() -> Instant { Instant(date: Date()) }
}
