import Foundation
import Logging

/// A swift-log handler that formats with `LogLineFormatter`, passes warnings and errors through the
/// shared `RepeatLimiter`, and writes whole lines to one `LogOutput`.
struct StreamdLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let formatter: LogLineFormatter
    let limiter: RepeatLimiter
    let output: LogOutput

    init(label: String, logLevel: Logger.Level, formatter: LogLineFormatter, limiter: RepeatLimiter, output: LogOutput,
         metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.logLevel = logLevel
        self.formatter = formatter
        self.limiter = limiter
        self.output = output
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = Date()
        let text = event.message.description
        let verdict = limiter.admit(label: label, level: event.level, message: text)
        var lines: [String] = verdict.summaries.map { summary in
            formatter.line(
                date: now, level: summary.level, label: summary.label,
                message: "\"\(summary.message)\" repeated \(summary.count) times",
                metadata: [:])
        }
        if verdict.emit {
            var fields = merged(event.metadata)
            if let error = event.error, fields["error"] == nil { fields["error"] = "\(error)" }
            lines.append(formatter.line(date: now, level: event.level, label: label, message: text, metadata: fields))
        }
        if !lines.isEmpty { output.emit(lines) }
    }

    /// Handler metadata, then the task-local provider's, then the call's own: the most specific wins.
    private func merged(_ call: Logger.Metadata?) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let call { all.merge(call) { _, new in new } }
        return all
    }
}
