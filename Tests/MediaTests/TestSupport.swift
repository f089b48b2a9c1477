import Foundation
import Logging
import Synchronization
@testable import Media

/// A fresh directory under the system temp dir, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init(_ label: String = #function) throws {
        let name = label.filter { $0.isLetter || $0.isNumber }.prefix(40)
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("streamd-media-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        do { try FileManager.default.removeItem(at: url) } catch {
            print("could not remove \(url.path): \(error)")
        }
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// One logger for the whole test process, also installed as FFmpeg's log route (a process-wide
/// setting). Records are kept so tests can look for their own lines.
enum TestLog {
    static let logger: Logger = {
        var logger = Logger(label: "streamd.media.tests") { _ in CapturingLogHandler() }
        logger.logLevel = .debug
        FFmpegLogging.install(logger: logger)
        return logger
    }()

    static func records(where predicate: (CapturingLogHandler.Record) -> Bool) -> [CapturingLogHandler.Record] {
        CapturingLogHandler.storage.withLock { $0.filter(predicate) }
    }
}

/// Keeps every record; prints those at or above STREAMD_TEST_LOG (e.g. "debug") when it is set.
struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    static let storage = Mutex<[Record]>([])
    static let printLevel = ProcessInfo.processInfo.environment["STREAMD_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let record = Record(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" })
        Self.storage.withLock { $0.append(record) }
        if let printLevel = Self.printLevel, event.level >= printLevel {
            print("[\(event.level)] \(record.message) \(record.metadata)")
        }
    }
}

/// A spec for a small, cheap recording in `directory`.
func smallSpec(_ directory: URL, id: String = "test", seconds: Double? = 4, format: SegmentFormat = .mpegts,
               source: SourceKind = .testPattern(filter: "testsrc2")) -> RecordingSpec {
    RecordingSpec(sessionId: id, directory: directory.appendingPathComponent(id), source: source,
                  width: 320, height: 240, fps: 30, segmentSeconds: 2, segmentFormat: format,
                  encoder: EncoderSettings(threads: 1), maxMediaSeconds: seconds)
}

/// Collects every event of a pipeline until `.finished`.
func collectEvents(_ pipeline: RecordingPipeline) async -> [PipelineEvent] {
    var events: [PipelineEvent] = []
    for await event in pipeline.events { events.append(event) }
    return events
}

extension Array where Element == PipelineEvent {
    var finished: (PipelineOutcome, PipelineStats)? {
        for case let .finished(outcome, stats) in self { return (outcome, stats) }
        return nil
    }

    var segmentNames: [String] {
        compactMap { if case let .segmentWritten(name, _) = $0 { return name } else { return nil } }
    }
}

/// Runs a command line tool and returns its standard output.
func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    return condition()
}

/// The playlist's text, or nil while it does not exist yet.
func playlistText(_ directory: URL) -> String? {
    FileManager.default.contents(atPath: directory.appendingPathComponent("index.m3u8").path)
        .map { String(decoding: $0, as: UTF8.self) }
}

/// The segment file names a playlist lists, in order.
func listedSegments(_ directory: URL) -> [String] {
    (playlistText(directory) ?? "").split(separator: "\n").map(String.init)
        .filter { !$0.hasPrefix("#") && !$0.isEmpty }
}

/// Sum of the playlist's EXTINF durations.
func extinfTotal(_ directory: URL) -> Double {
    (playlistText(directory) ?? "").split(separator: "\n")
        .filter { $0.hasPrefix("#EXTINF:") }
        .compactMap { Double($0.dropFirst(8).prefix { $0 != "," }) }
        .reduce(0, +)
}
