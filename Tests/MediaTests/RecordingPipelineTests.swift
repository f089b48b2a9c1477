import Foundation
import StreamdTestSupport
import Testing
@testable import Media

@Suite("RecordingPipeline with the test pattern")
struct RecordingPipelineTests {
    @Test("a 3 s + 1 s post-roll session ends with ENDLIST, 4.0 s of H.264 yuv420p, decodable keyframe-first segments")
    func durationSession() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "dur", seconds: 3 + 1)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)

        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .reachedDuration)
        guard case .started = events.first else { Issue.record("first event is \(String(describing: events.first))"); return }
        guard case .finished = events.last else { Issue.record("last event is \(String(describing: events.last))"); return }

        let text = try #require(playlistText(spec.directory))
        #expect(text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"))
        #expect(text.contains("#EXT-X-PROGRAM-DATE-TIME:"))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        #expect(abs(extinfTotal(spec.directory) - 4.0) <= 0.3)
        #expect(abs(stats.mediaDurationSec - 4.0) <= 0.3)
        #expect(stats.framesEncoded == 120)
        #expect(stats.segmentCount == listedSegments(spec.directory).count)
        #expect(events.segmentNames == listedSegments(spec.directory))
        #expect(listedSegments(spec.directory).first == "seg_00000.ts")

        let whole = try MediaProbe.probe(spec.directory.appendingPathComponent("index.m3u8"))
        #expect(whole.codecName == "h264")
        #expect(whole.pixelFormat == "yuv420p")
        #expect(whole.width == 320 && whole.height == 240)
        #expect(abs((whole.durationSeconds ?? 0) - 4.0) <= 0.3)
        #expect(whole.framesDecoded == 120)
        #expect(whole.decodeErrors == 0)

        var bytes: Int64 = 0
        for name in listedSegments(spec.directory) {
            let url = spec.directory.appendingPathComponent(name)
            let report = try MediaProbe.probe(url)
            #expect(report.decodesCleanly, "\(name) does not decode cleanly: \(report)")
            #expect(report.firstVideoPacketIsKeyframe, "\(name) does not start with a keyframe")
            bytes += Int64(try #require(FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int))
        }
        #expect(stats.bytes == bytes)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: spec.directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("the ffprobe CLI agrees: H.264 yuv420p 320x240, every segment starts with a keyframe")
    func ffprobeAgrees() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "ffprobe", seconds: 4)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        _ = await collectEvents(pipeline)

        let streamJSON = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                                 "stream=codec_name,pix_fmt,width,height:format=duration",
                                                 "-of", "json", spec.directory.appendingPathComponent("index.m3u8").path])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(streamJSON.utf8)) as? [String: Any])
        let stream = try #require((parsed["streams"] as? [[String: Any]])?.first)
        #expect(stream["codec_name"] as? String == "h264")
        #expect(stream["pix_fmt"] as? String == "yuv420p")
        #expect(stream["width"] as? Int == 320)
        #expect(stream["height"] as? Int == 240)
        let duration = Double((parsed["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
        #expect(abs(duration - 4.0) <= 0.3)

        for name in listedSegments(spec.directory) {
            let flags = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags",
                                                "-read_intervals", "%+#1", "-of", "csv=p=0",
                                                spec.directory.appendingPathComponent(name).path])
            #expect(flags.hasPrefix("K"), "first packet of \(name) has flags \(flags)")
        }
    }

    @Test("while recording the playlist exists without ENDLIST; stop() ends an open-ended recording with ENDLIST")
    func liveThenStop() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "live", seconds: nil)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let collector = Task { await collectEvents(pipeline) }

        let listed = await Eventually.holds(within: .seconds(30)) { !listedSegments(spec.directory).isEmpty }
        #expect(listed, "no segment was listed within 30 s")
        let live = try #require(playlistText(spec.directory))
        #expect(!live.contains("#EXT-X-ENDLIST"))
        #expect(live.contains("#EXT-X-PLAYLIST-TYPE:EVENT"))

        pipeline.stop()
        pipeline.stop()
        let events = await collector.value
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        #expect(playlistText(spec.directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
        #expect(stats.segmentCount == listedSegments(spec.directory).count)
        #expect(stats.segmentCount >= 2, "the segment cut short by stop() is listed too")
        for name in listedSegments(spec.directory) {
            let report = try MediaProbe.probe(spec.directory.appendingPathComponent(name))
            #expect(report.decodesCleanly && report.firstVideoPacketIsKeyframe, "\(name): \(report)")
        }
    }

    @Test("stop() before start() ends at once, still with a finalized playlist")
    func stopBeforeStart() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "early", seconds: nil)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.stop()
        pipeline.start()
        let events = await collectEvents(pipeline)
        #expect(events.finished?.0 == .stopped)
        #expect(playlistText(spec.directory)?.contains("#EXT-X-ENDLIST") == true)
    }

    @Test("three pipelines at once all succeed")
    func threeAtOnce() async throws {
        let temp = try TemporaryDirectory()
        let specs = (1...3).map { smallSpec(temp.url, id: "multi\($0)", seconds: 3) }
        let pipelines = specs.map { RecordingPipeline(spec: $0, logger: TestLog.logger) }
        pipelines.forEach { $0.start() }
        for (spec, pipeline) in zip(specs, pipelines) {
            let events = await collectEvents(pipeline)
            #expect(events.finished?.0 == .reachedDuration, "\(spec.sessionId): \(String(describing: events.finished))")
            #expect(playlistText(spec.directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
            #expect(abs(extinfTotal(spec.directory) - 3.0) <= 0.3)
        }
    }

    @Test("fMP4 segments: init.mp4 plus .m4s segments that decode")
    func fragmentedMP4() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "fmp4", seconds: 4, format: .fmp4)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .reachedDuration)

        let text = try #require(playlistText(spec.directory))
        #expect(text.contains("#EXT-X-MAP:URI=\"init.mp4\""))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        let initSegment = spec.directory.appendingPathComponent("init.mp4")
        #expect(FileManager.default.fileExists(atPath: initSegment.path))
        let segments = listedSegments(spec.directory)
        #expect(!segments.isEmpty && segments.allSatisfy { $0.hasPrefix("seg_") && $0.hasSuffix(".m4s") })
        for name in segments {
            let report = try MediaProbe.probe(segment: spec.directory.appendingPathComponent(name), initSegment: initSegment)
            #expect(report.codecName == "h264" && report.pixelFormat == "yuv420p")
            #expect(report.decodesCleanly && report.firstVideoPacketIsKeyframe, "\(name): \(report)")
        }
        let whole = try MediaProbe.probe(spec.directory.appendingPathComponent("index.m3u8"))
        #expect(abs((whole.durationSeconds ?? 0) - 4.0) <= 0.3)
        #expect(stats.bytes > Int64(segments.count) * 1000)
    }

    @Test("poster.jpg is written from the first keyframe and is a decodable JPEG")
    func thumbnail() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "poster", seconds: 1)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        _ = await collectEvents(pipeline)
        let poster = spec.directory.appendingPathComponent("poster.jpg")
        let bytes = try Data(contentsOf: poster)
        #expect(bytes.starts(with: [0xFF, 0xD8]))
        let report = try MediaProbe.probe(poster)
        #expect(report.codecName == "mjpeg")
        #expect(report.width == 320 && report.height == 240)
        #expect(report.decodesCleanly)
    }

    @Test("testsrc (rgb24) goes through the scaler to yuv420p")
    func testsrcIsConverted() async throws {
        let temp = try TemporaryDirectory()
        var spec = smallSpec(temp.url, id: "rgb", seconds: 1, source: .testPattern(filter: "testsrc"))
        spec.writeThumbnail = false
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        #expect(events.finished?.0 == .reachedDuration)
        let report = try MediaProbe.probe(spec.directory.appendingPathComponent("index.m3u8"))
        #expect(report.pixelFormat == "yuv420p")
        #expect(report.framesDecoded == 30)
        #expect(!FileManager.default.fileExists(atPath: spec.directory.appendingPathComponent("poster.jpg").path))
    }

    @Test("FFmpeg's log lines reach swift-log tagged with the session id")
    func ffmpegLogIsRouted() async throws {
        let temp = try TemporaryDirectory()
        let spec = smallSpec(temp.url, id: "logged-session", seconds: 1)
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        _ = await collectEvents(pipeline)
        let lines = TestLog.records { $0.metadata["component"] == "ffmpeg" && $0.metadata["session_id"] == "logged-session" }
        #expect(lines.contains { $0.message.contains("libx264") }, "got \(lines.map(\.message))")
    }
}
