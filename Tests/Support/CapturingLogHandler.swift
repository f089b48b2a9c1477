import Foundation
import Logging

/// Keeps every log record so a test can look for its own lines; prints those at or above
/// STREAMD_TEST_LOG (e.g. "debug") when it is set.
public struct CapturingLogHandler: LogHandler {
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
        /// "level message", e.g. "notice hello from plpgsql".
        public var line: String { "\(level) \(message)" }
    }

    /// The records of one logger (or of several that share them).
    public final class Records: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [Record] = []

        public init() {}

        public var all: [Record] {
            lock.lock()
            defer { lock.unlock() }
            return records
        }

        public var lines: [String] { all.map(\.line) }

        public func filter(_ predicate: (Record) -> Bool) -> [Record] { all.filter(predicate) }

        func append(_ record: Record) {
            lock.lock()
            defer { lock.unlock() }
            records.append(record)
        }
    }

    static let printLevel = ProcessInfo.processInfo.environment["STREAMD_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))

    public let records: Records
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(records: Records) { self.records = records }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let record = Record(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" })
        records.append(record)
        if let printLevel = Self.printLevel, event.level >= printLevel {
            print("[\(event.level)] \(record.message) \(record.metadata)")
        }
    }

    /// A logger of its own and what it logs.
    public static func logger(label: String = "streamd.test") -> (Logger, Records) {
        let records = Records()
        return (Logger(label: label) { _ in CapturingLogHandler(records: records) }, records)
    }
}
