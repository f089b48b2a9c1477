import Foundation
import StreamdTestSupport
import Testing
@testable import Media

/// Thumbnails and the motion detector through the real pipelines: a capture session of the test
/// pattern (paced to real time) and copy sessions of files made with the ffmpeg CLI.
@Suite("Frame analysis in the capture and copy pipelines")
struct FrameAnalysisPipelineTests {
    /// Records `seconds` of `pattern` through the capture pipeline.
    private func capture(_ temp: TemporaryDirectory, id: String, pattern: String = "testsrc2", seconds: Double,
                         analysis: FrameAnalysis) async throws -> (RecordingSpec, [PipelineEvent]) {
        var spec = smallSpec(temp.url, id: id, seconds: seconds, source: .testPattern(filter: pattern))
        spec.analysis = analysis
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        let (outcome, _) = try #require(events.finished)
        #expect(outcome == .reachedDuration)
        return (spec, events)
    }

    /// Copies `source` through the demuxer feeder (as a pull does, unpaced).
    private func copy(_ source: URL, temp: TemporaryDirectory, id: String, analysis: FrameAnalysis) async throws -> (CopySpec, [PipelineEvent]) {
        var spec = copySpec(temp.url, id: id)
        spec.analysis = analysis
        let events = await copyThroughDemuxer(source, spec: spec)
        let (outcome, _) = try #require(events.finished)
        #expect(outcome == .stopped)
        return (spec, events)
    }

    private func expectTrack(in directory: URL, sessionId: String, mediaDuration: Double, interval: Double,
                             distinctTiles: Int, sheet: (Int, Int)) throws {
        let track = try ParsedTrack(directory)
        #expect(track.cues.count == Int((mediaDuration / interval - 1e-6).rounded(.up)), "\(track.cues.count) cues for \(mediaDuration) s")
        for (index, cue) in track.cues.enumerated() {
            #expect(abs(cue.start - Double(index) * interval) < 0.0015, "cue \(index) starts at \(cue.start)")
        }
        #expect(abs((track.cues.last?.end ?? 0) - mediaDuration) < 0.0015)
        #expect(Set(track.cues.map { "\($0.sheet)#\($0.x),\($0.y)" }).count == distinctTiles)
        try expectCuesInsideSheets(track, sessionId: sessionId, directory: directory)
        let picture = try probePicture(directory.appendingPathComponent("thumbnails-0.jpg"))
        #expect(picture.width == sheet.0 && picture.height == sheet.1)
    }

    @Test("capture: 5 s at one tile per 2 s gives 3 cues on 3 tiles of a 480x120 JPEG sheet")
    func captureThumbnails() async throws {
        let temp = try TemporaryDirectory()
        let (spec, events) = try await capture(temp, id: "thumbs-capture", seconds: 5,
                                               analysis: FrameAnalysis(thumbnailIntervalSeconds: 2))
        let stats = try #require(events.finished?.1)
        #expect(abs(stats.mediaDurationSec - 5) < 0.05)
        try expectTrack(in: spec.directory, sessionId: "thumbs-capture", mediaDuration: stats.mediaDurationSec,
                        interval: 2, distinctTiles: 3, sheet: (480, 120))
        #expect(events.motionEvents.isEmpty)
    }

    @Test("copy: 25 s at one tile per 10 s (keyframes only) gives 3 cues on a 480x120 sheet")
    func copyThumbnails() async throws {
        let temp = try TemporaryDirectory()
        let source = try makeH264File(in: temp.url, name: "moving.mp4", graph: TestGraphs.moving, seconds: 25)
        let (spec, events) = try await copy(source, temp: temp, id: "thumbs-copy", analysis: FrameAnalysis(thumbnailIntervalSeconds: 10))
        let stats = try #require(events.finished?.1)
        #expect(abs(stats.mediaDurationSec - 25) < 0.05)
        try expectTrack(in: spec.directory, sessionId: "thumbs-copy", mediaDuration: stats.mediaDurationSec,
                        interval: 10, distinctTiles: 3, sheet: (480, 120))
    }

    @Test("copy: more than 100 tiles fill a 1600x1200 sheet and continue in thumbnails-1.jpg")
    func secondSheet() async throws {
        let temp = try TemporaryDirectory()
        // A keyframe every 3 frames (0.1 s): 120 tiles at one per 0.1 s.
        let source = try makeH264File(in: temp.url, name: "dense.mp4", graph: TestGraphs.moving, seconds: 12, gop: 3)
        let (spec, events) = try await copy(source, temp: temp, id: "thumbs-sheets", analysis: FrameAnalysis(thumbnailIntervalSeconds: 0.1))
        let stats = try #require(events.finished?.1)
        let track = try ParsedTrack(spec.directory)
        #expect(track.cues.count == Int((stats.mediaDurationSec / 0.1 - 1e-6).rounded(.up)))
        #expect(track.cues.count > 100)
        #expect(track.cues[99].sheet == "/thumbs-sheets/thumbnails-0.jpg" && track.cues[99].x == 1440 && track.cues[99].y == 1080)
        #expect(track.cues[100].sheet == "/thumbs-sheets/thumbnails-1.jpg" && track.cues[100].x == 0 && track.cues[100].y == 0)
        try expectCuesInsideSheets(track, sessionId: "thumbs-sheets", directory: spec.directory)
        let first = try probePicture(spec.directory.appendingPathComponent("thumbnails-0.jpg"))
        #expect(first.width == 1600 && first.height == 1200)
    }

    @Test("thumbnails off: no sheet and no track")
    func off() async throws {
        let temp = try TemporaryDirectory()
        let source = try makeH264File(in: temp.url, name: "short.mp4", graph: TestGraphs.moving, seconds: 4)
        let (spec, _) = try await copy(source, temp: temp, id: "thumbs-off", analysis: FrameAnalysis())
        #expect(!FileManager.default.fileExists(atPath: spec.directory.appendingPathComponent("thumbnails.vtt").path))
        #expect(!FileManager.default.fileExists(atPath: spec.directory.appendingPathComponent("thumbnails-0.jpg").path))
    }

    static let motion = FrameAnalysis(motion: MotionSettings(minGapSeconds: 1))

    @Test("capture: motion fires on the moving testsrc2, with a score over the threshold, a box and a wall time")
    func captureMotion() async throws {
        let temp = try TemporaryDirectory()
        let before = Date()
        let (_, events) = try await capture(temp, id: "motion-capture", seconds: 4, analysis: Self.motion)
        let found = events.motionEvents
        #expect(found.count >= 2, "\(found)")
        for event in found {
            #expect(event.score >= MotionDetector.defaultThreshold)
            let box = try #require(event.box)
            #expect(box.x >= 0 && box.y >= 0 && box.w > 0 && box.h > 0 && box.x + box.w <= 1 && box.y + box.h <= 1)
            #expect(event.mediaSeconds > 0 && event.mediaSeconds < 4)
            #expect(event.date >= before.addingTimeInterval(-1) && event.date <= Date())
        }
        // At least a second apart (media time).
        for (a, b) in zip(found, found.dropFirst()) { #expect(b.mediaSeconds - a.mediaSeconds >= 1) }
    }

    @Test("capture: no motion in a still picture, nor with a few levels of noise", arguments: ["testsrc2-still", "testsrc2-still-noise"])
    func captureStill(pattern: String) async throws {
        let temp = try TemporaryDirectory()
        let (_, events) = try await capture(temp, id: "still-capture", pattern: pattern, seconds: 4, analysis: Self.motion)
        #expect(events.motionEvents.isEmpty, "\(events.motionEvents)")
    }

    @Test("copy: motion fires on keyframes of the moving testsrc2, and on all frames by config",
          arguments: [MotionSettings.CopyFrames.keyframes, .all])
    func copyMotion(frames: MotionSettings.CopyFrames) async throws {
        let temp = try TemporaryDirectory()
        let source = try makeH264File(in: temp.url, name: "moving.mp4", graph: TestGraphs.moving, seconds: 10)
        let analysis = FrameAnalysis(motion: MotionSettings(minGapSeconds: 1, copyFrames: frames))
        let (_, events) = try await copy(source, temp: temp, id: "motion-copy", analysis: analysis)
        let found = events.motionEvents
        // Keyframes every 2 s: the first is the reference, the next four each differ.
        #expect(found.count >= 4, "\(found)")
        #expect(found.allSatisfy { $0.score >= MotionDetector.defaultThreshold && $0.box != nil })
    }

    @Test("copy: no motion in a still picture, nor with a few levels of noise", arguments: [TestGraphs.still, TestGraphs.stillNoise])
    func copyStill(graph: String) async throws {
        let temp = try TemporaryDirectory()
        let source = try makeH264File(in: temp.url, name: "still.mp4", graph: graph, seconds: 10)
        for frames in MotionSettings.CopyFrames.allCases {
            let analysis = FrameAnalysis(motion: MotionSettings(minGapSeconds: 0, copyFrames: frames))
            let (_, events) = try await copy(source, temp: temp, id: "still-copy-\(frames)", analysis: analysis)
            #expect(events.motionEvents.isEmpty, "\(frames): \(events.motionEvents)")
        }
    }
}

@Suite("Frame analysis in the publish path")
struct PublishFrameAnalysisTests {
    @Test("access units (H.264 and H.265) get thumbnails from keyframes and motion events",
          arguments: [CopyStreamInfo.Codec.h264, .hevc])
    func publish(codec: CopyStreamInfo.Codec) async throws {
        let temp = try TemporaryDirectory()
        let source = try (codec == .h264 ? CopyTestStream.h264 : CopyTestStream.hevc).make(in: temp.url)
        let (streams, units) = try accessUnits(of: source, codec: codec)
        var spec = copySpec(temp.url, id: "au-frames-\(codec)")
        spec.analysis = FrameAnalysis(thumbnailIntervalSeconds: 2, motion: MotionSettings(minGapSeconds: 0))
        let recording = AccessUnitRecording(spec: spec, streams: streams, logger: TestLog.logger, queueCapacity: units.count + 10)
        recording.start()
        for unit in units { #expect(recording.feed(unit)) }
        recording.stop()
        let events = await collect(recording.events, timeout: 60)
        let stats = try #require(events.finished?.1)
        #expect(abs(stats.mediaDurationSec - 6) < 0.05)
        let track = try ParsedTrack(spec.directory)
        #expect(track.cues.count == 3)
        #expect(Set(track.cues.map(\.x)) == [0, 160, 320])
        try expectCuesInsideSheets(track, sessionId: spec.sessionId, directory: spec.directory)
        // Keyframes at 0, 2 and 4 s: two comparisons, both with motion.
        #expect(events.motionEvents.count == 2, "\(events.motionEvents)")
    }
}
