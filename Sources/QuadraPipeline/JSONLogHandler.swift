import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The swift-log handler of `--log-format json`: each record is one JSON object on one line of standard error,
/// `{"timestamp":"2026-11-22T05:00:00.250000Z","level":"info","label":"quadra.run","message":"…","source":"…",
/// "metadata":{"seconds":"0.1"}}`: the time in UTC (RFC 3339, microseconds), every metadata value as a string (the
/// handler's own, the provider's, the call's, and an attached error as `error.message` and `error.type`), keys in a
/// fixed order and metadata sorted, so a record never depends on a dictionary's order. A record is written with one
/// lock held, so records of different threads never interleave; a line end inside a message is escaped, so a record
/// is never split across lines.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable ([UInt8]) -> Void

    /// A handler for `label` writing each record's line to `sink` (standard error by default).
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        sink: @escaping @Sendable ([UInt8]) -> Void = StandardError.write
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        sink(
            Self.record(
                timestamp: Self.now(), level: event.level, label: label, message: event.message.description,
                source: event.source, metadata: merged.mapValues(Self.text)))
    }

    /// One record's line, its line end included.
    public static func record(
        timestamp: String, level: Logger.Level, label: String, message: String, source: String? = nil,
        metadata: [String: String] = [:]
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(96 + message.utf8.count)
        line.append(contentsOf: Array(#"{"timestamp":"#.utf8))
        appendString(timestamp, to: &line)
        line.append(contentsOf: Array(#","level":"#.utf8))
        appendString(level.rawValue, to: &line)
        line.append(contentsOf: Array(#","label":"#.utf8))
        appendString(label, to: &line)
        line.append(contentsOf: Array(#","message":"#.utf8))
        appendString(message, to: &line)
        if let source {
            line.append(contentsOf: Array(#","source":"#.utf8))
            appendString(source, to: &line)
        }
        if !metadata.isEmpty {
            line.append(contentsOf: Array(#","metadata":{"#.utf8))
            for (index, key) in metadata.keys.sorted().enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                appendString(key, to: &line)
                line.append(UInt8(ascii: ":"))
                appendString(metadata[key] ?? "", to: &line)
            }
            line.append(UInt8(ascii: "}"))
        }
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    /// Appends `text` as a JSON string (RFC 8259): quotes around it; `"` and `\` escaped; every control character
    /// escaped (`\b \f \n \r \t`, the others as `\u00XX`), and also DEL, the C1 controls (U+0080 to U+009F, NEL
    /// among them) and the line and paragraph separators U+2028 and U+2029, which JSON allows raw but some readers
    /// and terminals take as a line end or a command. Everything else is copied as UTF-8.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                for shift in [12, 8, 4, 0] { out.append(hex[Int((scalar.value >> UInt32(shift)) & 0xF)]) }
            default:
                UTF8.encode(scalar) { out.append($0) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A metadata value as text: strings as they are, the rest by their description.
    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .dictionary, .array: return value.description
        }
    }

    /// The wall-clock time now in UTC, RFC 3339 with microseconds: `2026-11-22T05:00:00.250000Z`.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return timestamp(seconds: Int(spec.tv_sec), nanoseconds: Int(spec.tv_nsec))
    }

    /// A time since the Unix epoch in UTC, RFC 3339 with microseconds.
    public static func timestamp(seconds: Int, nanoseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "1970-01-01T00:00:00.000000Z" }
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))."
            + "\(padded(Int32(nanoseconds / 1000), 6))Z"
    }
}
