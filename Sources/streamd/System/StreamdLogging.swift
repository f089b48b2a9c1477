import Foundation
import Logging

/// The daemon's one logging setup: journald-ready lines under systemd, readable lines in a terminal,
/// and identical warnings or errors rate-limited so a failing dependency cannot flood the journal.
enum StreamdLogging {
    /// Call once per process, before the first `Logger` is made (swift-log allows one bootstrap).
    static func bootstrap(level: Logger.Level, repeatIntervalSec: Double) {
        let environment = ProcessInfo.processInfo.environment
        // systemd sets JOURNAL_STREAM when stdout/stderr are connected to the journal; journald then
        // reads the `<N>` prefix as the priority and adds its own timestamp.
        let style: LogLineFormatter.Style = (environment["JOURNAL_STREAM"]?.isEmpty == false) ? .journal : .human
        let formatter = LogLineFormatter(style: style)
        let limiter = RepeatLimiter(interval: .milliseconds(Int64((max(repeatIntervalSec, 0) * 1000).rounded())))
        let output = LogOutput.standardError
        LoggingSystem.bootstrap { label in
            StreamdLogHandler(label: label, logLevel: level, formatter: formatter, limiter: limiter, output: output)
        }
    }
}
