import Foundation
import Logging

/// Collects log messages so a test can assert what the store logged.
struct CapturingLogHandler: LogHandler {
    final class Messages: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []

        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return messages
        }

        func append(_ message: String) {
            lock.lock()
            defer { lock.unlock() }
            messages.append(message)
        }
    }

    let messages: Messages
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.append("\(event.level) \(event.message)")
    }

    static func logger() -> (Logger, Messages) {
        let messages = Messages()
        return (Logger(label: "streamd.store.test") { _ in CapturingLogHandler(messages: messages) }, messages)
    }
}
