import ArgumentParser
import Foundation
import Logging
import QuadraCore
import QuadraPipeline
import QuadraXML

/// Options every night-processing command shares: the fiscal time zone and the reference time.
struct ClockOptions: ParsableArguments {
    @Option(
        help:
            "The fiscal time zone for naive local times and fiscal days (default: the configuration's, else Europe/Rome)."
    )
    var timezone: String?

    @Option(
        name: .customLong("as-of"),
        help: "The run's reference time (RFC 3339 with offset). With it, reports are byte-identical across runs.")
    var asOf: String?

    func fiscalTimeZone(configured: String = "Europe/Rome") throws -> FiscalTimeZone {
        let timezone = self.timezone ?? configured
        guard let zone = FiscalTimeZone(identifier: timezone) else {
            throw UsageFailure(
                message: "--timezone: unknown time zone \"\(timezone)\": expected an IANA name like Europe/Rome")
        }
        return zone
    }

    /// The as-of instant and whether it was pinned by the user (then times and run id are derived from it).
    func referenceTime() throws -> (instant: Instant, pinned: Bool) {
        guard let asOf else {
            return (Instant(date: Date()), false)
        }
        guard let instant = TimestampParser.parseAbsolute(asOf) else {
            throw UsageFailure(
                message:
                    "--as-of: expected an RFC 3339 timestamp with an offset like 2026-11-22T06:00:00+01:00, found \"\(asOf)\""
            )
        }
        return (instant, true)
    }
}

/// How long a command waits for another run's hold on the state store.
struct LockOptions: ParsableArguments {
    @Option(
        name: .customLong("wait-for-lock"),
        help: ArgumentHelp(
            "Seconds to wait while another run uses the state store (default 0: exit 2 at once).",
            valueName: "SECONDS"))
    var waitForLock: Int = 0

    func validate() throws {
        guard (0...86_400).contains(waitForLock) else {
            throw ValidationError("--wait-for-lock: expected seconds from 0 to 86400")
        }
    }

    var wait: Duration { .seconds(waitForLock) }
}

/// How much the command says on standard error: progress on a terminal, and log lines by level.
struct OutputOptions: ParsableArguments {
    @Flag(
        help: """
            For cron: no progress, and for `quadra run` nothing on standard output or error unless something needs \
            action or failed (exit status 1 or 2, or a warning).
            """)
    var quiet = false

    @Option(
        name: .customLong("log-level"),
        help: "Log lines on standard error from this level up: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    @Option(
        name: .customLong("log-format"),
        help: """
            How standard error is written: text, or json (one JSON object a line for every log line, warning and \
            failure: timestamp, level, label, message, metadata; no progress).
            """)
    var logFormat: String = "text"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: expected trace, debug, info, notice, warning, error or critical")
        }
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format: expected text or json")
        }
    }

    /// Sets up logging (once per process), the format of standard error and the progress switch; returns the
    /// command's logger.
    func apply(label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        let format = LogFormat(rawValue: logFormat) ?? .text
        StandardError.format = format
        LoggingSystem.bootstrap { name in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: name)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: name)
                handler.logLevel = level
                return handler
            }
        }
        // Progress redraws a terminal line: not in JSON, where every line of standard error is a record.
        Progress.quiet = quiet || format == .json
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
