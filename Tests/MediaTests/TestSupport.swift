import Foundation
import Logging
import StreamdTestSupport
import Testing
@testable import Media

/// One logger for the whole test process, also installed as FFmpeg's log route (a process-wide
/// setting). Records are kept so tests can look for their own lines.
enum TestLog {
    static let records = CapturingLogHandler.Records()

    static let logger: Logger = {
        var logger = Logger(label: "streamd.media.tests") { _ in CapturingLogHandler(records: records) }
        logger.logLevel = .debug
        FFmpegLogging.install(logger: logger)
        return logger
    }()

    static func records(where predicate: (CapturingLogHandler.Record) -> Bool) -> [CapturingLogHandler.Record] {
        records.filter(predicate)
    }
}

/// A spec for a small, cheap recording in `directory`.
func smallSpec(_ directory: URL, id: String = "test", seconds: Double? = 4, format: SegmentFormat = .mpegts,
               source: SourceKind = .testPattern(filter: "testsrc2")) -> RecordingSpec {
    RecordingSpec(sessionId: id, directory: directory.appendingPathComponent(id), source: source,
                  width: 320, height: 240, fps: 30, segmentSeconds: 2, segmentFormat: format,
                  encoder: EncoderSettings(threads: 1), maxMediaSeconds: seconds)
}

/// Collects every event of a pipeline until `.finished`. A pipeline that has not finished within
/// `timeout` is a test failure: it is recorded, the pipeline is stopped, and the events so far are
/// returned, so a hung pipeline cannot hang the test run.
func collectEvents(_ pipeline: RecordingPipeline, timeout: Duration = .seconds(60)) async -> [PipelineEvent] {
    await withTaskGroup(of: [PipelineEvent]?.self) { group in
        group.addTask {
            var events: [PipelineEvent] = []
            for await event in pipeline.events { events.append(event) }
            return events
        }
        group.addTask {
            do { try await Task.sleep(for: timeout) } catch { return nil }
            return nil
        }
        while let result = await group.next() {
            if let events = result {
                group.cancelAll()
                return events
            }
            guard !Task.isCancelled else { break }
            Issue.record("the pipeline did not finish within \(timeout); stopping it")
            pipeline.stop()
            // Stopped, it finishes at once; if not, cancelling ends the iteration with what came so far.
            group.addTask {
                do { try await Task.sleep(for: .seconds(15)) } catch { return nil }
                return nil
            }
            if let events = await group.next() ?? nil {
                group.cancelAll()
                return events
            }
            group.cancelAll()
        }
        return []
    }
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

/// The playlist's text, or nil while it does not exist yet.
func playlistText(_ directory: URL) -> String? {
    FileManager.default.contents(atPath: directory.appendingPathComponent("index.m3u8").path)
        .map { String(decoding: $0, as: UTF8.self) }
}

/// The playlist through the shared parser, or nil while it does not exist yet; a malformed one is a
/// test failure.
func parsedPlaylist(_ directory: URL) -> HLSPlaylist? {
    do {
        return try HLSPlaylist.ifPresent(in: directory)
    } catch {
        Issue.record("cannot read the playlist in \(directory.path): \(error)")
        return nil
    }
}

/// The segment file names a playlist lists, in order.
func listedSegments(_ directory: URL) -> [String] { parsedPlaylist(directory)?.segments ?? [] }

/// Sum of the playlist's EXTINF durations.
func extinfTotal(_ directory: URL) -> Double { parsedPlaylist(directory)?.totalDuration ?? 0 }
