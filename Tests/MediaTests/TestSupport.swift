import Foundation
import Logging
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

enum TestLog {
    static let logger: Logger = {
        var logger = Logger(label: "streamd.media.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["STREAMD_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()
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

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return condition()
}

func playlistText(_ directory: URL) -> String? {
    try? String(contentsOf: directory.appendingPathComponent("index.m3u8"), encoding: .utf8)
}
