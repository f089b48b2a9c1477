import Foundation
import Synchronization
import StreamdTestSupport
import Testing
@testable import Media

/// `always` cameras: one open input rolled into back-to-back recordings.
@Suite("Pull rollover", .serialized)
struct PullRolloverTests {
    @Test("two always cameras roll into back-to-back recordings: ENDLIST, decodable, PROGRAM-DATE-TIME contiguous, no frame lost")
    func twoCamerasRollOver() async throws {
        let temp = try TemporaryDirectory()
        let cameras = try ["front", "back"].map { name in try RollingCamera(name: name, root: temp.url) }
        for camera in cameras { try await camera.start() }
        // ~2 s sessions (1 s GOP): at least three cuts each in 8 s.
        try await Task.sleep(for: .seconds(8))
        for camera in cameras { camera.pipeline.stop() }
        for camera in cameras {
            let recordings = try await camera.finishedRecordings(within: 30)
            #expect(recordings.count >= 3, "\(camera.name): \(recordings.count) recordings")
            try checkBackToBack(recordings, camera: camera.name)
        }
    }
}

/// One `ffmpeg -listen 1` source pulled with a 2 s rollover; every recording's events are kept.
// The server is only touched by its deinit; everything else is Sendable.
private final class RollingCamera: @unchecked Sendable {
    let name: String
    let server: FFmpegServer
    let pipeline: PullPipeline
    let rollover: PullRollover
    private let logs = Mutex<[(CopySpec, EventLog)]>([])

    init(name: String, root: URL) throws {
        self.name = name
        server = try FFmpegServer(port: try freePort())
        let url = try #require(SourceURL(server.url))
        let counter = Atomic<Int>(0)
        rollover = PullRollover(afterSeconds: 2) { _, _ in
            let id = "\(name)-\(counter.add(1, ordering: .relaxed).newValue)"
            return CopySpec(sessionId: id, directory: root.appendingPathComponent(id), segmentSeconds: 1)
        }
        var spec = PullSpec(url: url, recording: CopySpec(sessionId: "\(name)-0", directory: root.appendingPathComponent("\(name)-0"), segmentSeconds: 1))
        spec.rollover = rollover
        pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        logs.withLock { $0.append((spec.recording, EventLog(pipeline))) }
    }

    func start() async throws {
        _ = try await pipeline.open()
        pipeline.start()
        let stream = rollover.recordings
        Task.detached { [self] in
            for await recording in stream { logs.withLock { $0.append((recording.spec, EventLog(recording))) } }
        }
    }

    /// Every recording, once each has ended.
    func finishedRecordings(within seconds: Double) async throws -> [(spec: CopySpec, outcome: PipelineOutcome, stats: PipelineStats)] {
        let deadline = Date().addingTimeInterval(seconds)
        while logs.withLock({ $0.contains { !$0.1.hasEnded } }), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return try logs.withLock { $0 }.map { spec, log in
            let (outcome, stats) = try #require(log.all.finished, "\(spec.sessionId) did not finish")
            return (spec, outcome, stats)
        }
    }
}

private func checkBackToBack(_ recordings: [(spec: CopySpec, outcome: PipelineOutcome, stats: PipelineStats)], camera: String) throws {
    var allPts: [Int64] = []
    var previousEnd: Date?
    for (index, recording) in recordings.enumerated() {
        let directory = recording.spec.directory
        let isLast = index == recordings.count - 1
        #expect(recording.outcome == (isLast ? .stopped : .reachedDuration), "\(recording.spec.sessionId)")
        let playlist = try #require(try PlaylistFile.read(in: directory), "\(recording.spec.sessionId) has a playlist")
        #expect(playlist.hasEndList, "\(recording.spec.sessionId) ends with ENDLIST")
        #expect(!playlist.segments.isEmpty)
        if !isLast {
            // Cut at the first keyframe at or after 2 s (keyframes every second).
            let media = playlist.segments.reduce(0) { $0 + $1.duration }
            #expect(media >= 2 - 0.05 && media < 3.1, "\(recording.spec.sessionId): \(media) s")
        }
        if let previousEnd, let first = playlist.segments.first.flatMap(programDate) {
            // The next recording starts where the last one's last segment ended, within a frame.
            #expect(abs(first.timeIntervalSince(previousEnd)) <= 1.0 / 30, "\(camera) cut \(index): \(first) vs \(previousEnd)")
        }
        if let last = playlist.segments.last, let date = programDate(last) { previousEnd = date.addingTimeInterval(last.duration) }
        var framesOnDisk = 0
        for segment in playlist.segments {
            let file = directory.appendingPathComponent(segment.uri)
            let report = try MediaProbe.probe(file)
            #expect(report.decodesCleanly, "\(segment.uri): \(report)")
            #expect(report.firstVideoPacketIsKeyframe)
            let pts = try videoPts(of: file)
            framesOnDisk += pts.count
            allPts += pts
        }
        #expect(framesOnDisk == recording.stats.framesEncoded, "\(recording.spec.sessionId): on disk \(framesOnDisk), reported \(recording.stats.framesEncoded)")
    }
    // No frame lost between recordings: the timeline runs on, one frame (3000 ticks at 30 fps) at a time.
    allPts.sort()
    let gaps = zip(allPts, allPts.dropFirst()).filter { $1 - $0 != 3000 }
    #expect(gaps.isEmpty, "\(camera): gaps in the frames across recordings: \(gaps.prefix(5))")
    if let first = allPts.first, let last = allPts.last {
        #expect(Int64(allPts.count) == (last - first) / 3000 + 1)
    }
}

/// The video PTS of every packet of an MPEG-TS file (90 kHz), by ffprobe.
private func videoPts(of file: URL) throws -> [Int64] {
    try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts", "-of", "csv=p=0", file.path])
        .split(separator: "\n").compactMap { Int64($0.trimmingCharacters(in: CharacterSet(charactersIn: ", "))) }
}

private func programDate(_ segment: PlaylistFile.Segment) -> Date? {
    guard let tag = segment.tags.first(where: { $0.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") }) else { return nil }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
    return formatter.date(from: String(tag.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count)))
}
