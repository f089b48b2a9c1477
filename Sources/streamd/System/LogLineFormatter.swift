import Foundation
import Sessions
import Store
import Logging

/// Turns one log event into exactly one line of text. Newlines and other control characters are
/// escaped, so a multi-line error message cannot become several journal entries without a priority
/// (or forge a line of its own).
struct LogLineFormatter: Sendable {
    enum Style: Sendable {
        /// `<6>streamd.http: listening address=… ` — priority prefix, no timestamp (journald adds one).
        case journal
        /// `2026-11-30T03:22:31.123Z info    streamd.http: listening address=…` for a terminal or a file.
        case human
    }

    let style: Style

    func line(date: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var text: String
        switch style {
        case .journal:
            text = "<\(Self.syslogPriority(level))>"
        case .human:
            text = Self.timestamp(date) + " " + level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        }
        text += label + ": " + Self.escaped(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            text += " " + Self.escaped(key) + "=" + Self.quotedIfNeeded(Self.escaped("\(value)"))
        }
        return text
    }

    /// sd-daemon(3) priorities: swift-log has no "alert"/"emerg", and trace folds into debug.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// UTC with milliseconds, the same shape the API uses for `created_at`.
    static func timestamp(_ date: Date) -> String { date.iso8601Milliseconds }

    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += String(format: "\\x%02x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `key=value` stays greppable; values with spaces, quotes or `=` are quoted so the line still parses.
    static func quotedIfNeeded(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
