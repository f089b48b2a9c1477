import Foundation
import StreamdTestSupport
import Testing
@testable import Media

@Suite("Pull sources", .serialized)
struct PullPipelineTests {
    @Test("an H.264 MPEG-TS source over HTTP is opened, then copied with ENDLIST and decodable segments")
    func mpegtsOverHTTP() async throws {
        let temp = try TemporaryDirectory()
        let server = try FFmpegServer(port: try freePort())
        let url = try #require(SourceURL(server.url))
        let spec = PullSpec(url: url, recording: copySpec(temp.url, id: "pull-ts", maxMediaSeconds: 4))
        let pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        let log = EventLog(pipeline)
        let info = try await pipeline.open()
        #expect(info.videoCodec == "h264")
        #expect(info.transcoded == false)
        #expect(info.width == 320 && info.height == 240)
        pipeline.start()
        try await log.waitForEnd(seconds: 30)

        let (outcome, stats) = try #require(log.all.finished)
        #expect(outcome == .reachedDuration)
        #expect(abs(stats.mediaDurationSec - 4.0) < 0.1)
        #expect(stats.stream?.videoCodec == "h264")
        #expect(stats.stream?.transcoded == false)
        #expect(stats.reconnects == 0)
        let text = try #require(playlistText(spec.recording.directory))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        #expect(text.contains("#EXT-X-PROGRAM-DATE-TIME:"))
        for name in listedSegments(spec.recording.directory) {
            let report = try MediaProbe.probe(spec.recording.directory.appendingPathComponent(name))
            #expect(report.decodesCleanly, "\(name): \(report)")
            #expect(report.firstVideoPacketIsKeyframe)
        }
        #expect(FileManager.default.fileExists(atPath: spec.recording.directory.appendingPathComponent("poster.jpg").path))
    }

    @Test("an unreachable source fails the open fast, with libavformat's reason and no password")
    func unreachable() async throws {
        let temp = try TemporaryDirectory()
        let port = try freePort()
        let url = try #require(SourceURL("http://admin:topsecret@127.0.0.1:\(port)/live"))
        let spec = PullSpec(url: url, recording: copySpec(temp.url, id: "pull-none"))
        let pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        let started = Date()
        let error = try await #require(throws: PullError.self) { try await pipeline.open() }
        #expect(Date().timeIntervalSince(started) < 10)
        guard case let .sourceUnreachable(shown, reason) = error else { Issue.record("got \(error)"); return }
        #expect(shown == "http://admin:***@127.0.0.1:\(port)/live")
        #expect(reason.contains("Connection refused"), "\(reason)")
        #expect(!error.description.contains("topsecret"))
        #expect(TestLog.records { $0.message.contains("topsecret") || $0.metadata.values.contains { $0.contains("topsecret") } }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: spec.recording.directory.path))
    }

    @Test("a source that does not answer fails when the open timeout passes")
    func silent() async throws {
        let temp = try TemporaryDirectory()
        // A listening socket that never answers an HTTP request.
        let listener = try SilentListener()
        let url = try #require(SourceURL("http://127.0.0.1:\(listener.port)/live"))
        let spec = PullSpec(url: url, recording: copySpec(temp.url, id: "pull-silent"), openTimeoutSeconds: 2)
        let pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        let started = Date()
        let error = try await #require(throws: PullError.self) { try await pipeline.open() }
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 1.5 && elapsed < 5, "failed after \(elapsed) s")
        #expect(error.description.contains("no answer within 2 s"), "\(error)")
        withExtendedLifetime(listener) {}
    }

    @Test("a source killed for 3 s comes back in the same recording after a discontinuity, and it decodes")
    func reconnect() async throws {
        let temp = try TemporaryDirectory()
        let port = try freePort()
        var server: FFmpegServer? = try FFmpegServer(port: port)
        let url = try #require(SourceURL("http://127.0.0.1:\(port)/live"))
        let spec = PullSpec(url: url, recording: copySpec(temp.url, id: "pull-back"))
        let pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        let log = EventLog(pipeline)
        _ = try await pipeline.open()
        pipeline.start()
        try await log.wait(seconds: 20, for: "two segments") { $0.segmentNames.count >= 2 }
        server?.kill()
        server = nil
        // The outage itself: the source is away for 3 s.
        try await Task.sleep(nanoseconds: 3_000_000_000)
        server = try FFmpegServer(port: port)
        try await log.wait(seconds: 40, for: "the reconnect") { _ in (log.latestStats?.reconnects ?? 0) >= 1 }
        let before = log.all.segmentNames.count
        try await log.wait(seconds: 20, for: "two segments after the reconnect") { $0.segmentNames.count >= before + 2 }
        pipeline.stop()
        try await log.waitForEnd(seconds: 20)
        withExtendedLifetime(server) {}

        let (outcome, stats) = try #require(log.all.finished)
        #expect(outcome == .stopped)
        #expect(stats.reconnects == 1)
        let text = try #require(playlistText(spec.recording.directory))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        let playlist = PlaylistFile(parsing: text)
        let marked = playlist.segments.indices.filter { playlist.segments[$0].tags.contains("#EXT-X-DISCONTINUITY") }
        #expect(marked.count == 1)
        if let index = marked.first, index > 0 {
            // The gap shows in PROGRAM-DATE-TIME: the source was away at least the 3 s outage.
            let previous = try #require(programDate(playlist.segments[index - 1]))
            let next = try #require(programDate(playlist.segments[index]))
            #expect(next.timeIntervalSince(previous) - playlist.segments[index - 1].duration >= 2.5)
        }
        let whole = try MediaProbe.probe(spec.recording.directory.appendingPathComponent("index.m3u8"))
        #expect(whole.decodeErrors == 0)
        #expect(whole.framesDecoded > 0)
        for segment in playlist.segments {
            #expect(try MediaProbe.probe(spec.recording.directory.appendingPathComponent(segment.uri)).decodesCleanly, "\(segment.uri)")
        }
    }

    @Test("an MJPEG source over HTTP is transcoded to H.264", arguments: [SegmentFormat.mpegts, .fmp4])
    func mjpegTranscoded(format: SegmentFormat) async throws {
        let temp = try TemporaryDirectory()
        let server = try FFmpegServer(port: try freePort(), format: "mpjpeg")
        let url = try #require(SourceURL(server.url))
        var spec = PullSpec(url: url, recording: copySpec(temp.url, id: "pull-mjpeg", maxMediaSeconds: 4, format: format))
        spec.encoder = EncoderSettings(threads: 1)
        let pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        let log = EventLog(pipeline)
        let info = try await pipeline.open()
        #expect(info.videoCodec == "mjpeg")
        #expect(info.transcoded)
        pipeline.start()
        try await log.waitForEnd(seconds: 30)
        let (outcome, stats) = try #require(log.all.finished)
        #expect(outcome == .reachedDuration)
        #expect(stats.stream?.transcoded == true)
        #expect(stats.stream?.videoCodec == "h264")
        #expect(abs(stats.mediaDurationSec - 4.0) < 0.2)
        let initSegment = format == .fmp4 ? spec.recording.directory.appendingPathComponent("init.mp4") : nil
        #expect(!listedSegments(spec.recording.directory).isEmpty)
        for name in listedSegments(spec.recording.directory) {
            let report = try MediaProbe.probe(segment: spec.recording.directory.appendingPathComponent(name), initSegment: initSegment)
            #expect(report.codecName == "h264")
            #expect(report.decodesCleanly, "\(name): \(report)")
        }
    }
}

private func programDate(_ segment: PlaylistFile.Segment) -> Date? {
    guard let tag = segment.tags.first(where: { $0.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") }) else { return nil }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
    return formatter.date(from: String(tag.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count)))
}

@Suite("Pull from GStreamer's RTSP server", .serialized, .enabled(if: GStreamerRTSPServer.available, "needs python3-gi, gir1.2-gst-rtsp-server-1.0 and x264enc"))
struct RTSPPullTests {
    @Test("an authenticated RTSP camera is pulled over TCP; its password appears nowhere")
    func authenticated() async throws {
        let temp = try TemporaryDirectory()
        let server = try GStreamerRTSPServer(directory: temp.url, user: "admin", password: "rtsp-pa55")
        let url = try #require(SourceURL("rtsp://admin:rtsp-pa55@127.0.0.1:\(server.port)/cam"))
        let spec = PullSpec(url: url, recording: copySpec(temp.url, id: "pull-rtsp", maxMediaSeconds: 4))
        let pipeline = PullPipeline(spec: spec, logger: TestLog.logger)
        let log = EventLog(pipeline)
        let info = try await pipeline.open()
        #expect(info.formatName == "rtsp")
        #expect(info.videoCodec == "h264" && !info.transcoded)
        pipeline.start()
        try await log.waitForEnd(seconds: 30)
        let (outcome, stats) = try #require(log.all.finished)
        #expect(outcome == .reachedDuration)
        #expect(stats.stream?.width == 320 && stats.stream?.height == 240)
        let directory = spec.recording.directory
        let text = try #require(playlistText(directory))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        for name in listedSegments(directory) {
            #expect(try MediaProbe.probe(directory.appendingPathComponent(name)).decodesCleanly, "\(name)")
        }
        #expect(!text.contains("rtsp-pa55"))
        #expect(TestLog.records { $0.message.contains("rtsp-pa55") || $0.metadata.values.contains { $0.contains("rtsp-pa55") } }.isEmpty)
        withExtendedLifetime(server) {}
    }

    @Test("a wrong password is refused at open with the server's 401, not echoed")
    func wrongPassword() async throws {
        let temp = try TemporaryDirectory()
        let server = try GStreamerRTSPServer(directory: temp.url, user: "admin", password: "right")
        let url = try #require(SourceURL("rtsp://admin:wrong-pa55@127.0.0.1:\(server.port)/cam"))
        let pipeline = PullPipeline(spec: PullSpec(url: url, recording: copySpec(temp.url, id: "pull-401")), logger: TestLog.logger)
        let error = try await #require(throws: PullError.self) { try await pipeline.open() }
        #expect(error.description.contains("401"), "\(error)")
        #expect(!error.description.contains("wrong-pa55"))
        withExtendedLifetime(server) {}
    }
}
