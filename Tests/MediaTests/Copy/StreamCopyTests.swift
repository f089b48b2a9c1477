import Foundation
import LibAV
import StreamdTestSupport
import Testing
@testable import Media

@Suite("Stream copy through the demuxer feeder")
struct StreamCopyTests {
    @Test("an H.264 file is copied into keyframe-cut 2 s segments with PDT, ENDLIST and the source's duration")
    func h264() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.h264.make(in: temp.url)
        let spec = copySpec(temp.url, id: "copy264")
        let events = await copyThroughDemuxer(source, spec: spec)

        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        guard case .started = events.first else { Issue.record("first event is \(String(describing: events.first))"); return }
        guard case .finished = events.last else { Issue.record("last event is \(String(describing: events.last))"); return }
        let text = try #require(playlistText(spec.directory))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        #expect(text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"))
        #expect(!text.contains("#EXT-X-DISCONTINUITY"))

        let segments = listedSegments(spec.directory)
        #expect(segments == (0..<3).map { String(format: "seg_%05d.ts", $0) })
        #expect(events.segmentNames == segments)
        #expect(text.components(separatedBy: "#EXT-X-PROGRAM-DATE-TIME:").count - 1 == segments.count)
        for duration in extinfValues(spec.directory) {
            #expect(abs(duration - 2.0) < 0.02, "EXTINF \(duration)")
            #expect(Int(duration.rounded()) <= targetDuration(spec.directory) ?? 0)
        }
        #expect(abs(try ffprobeDuration(spec.directory.appendingPathComponent("index.m3u8")) - (try ffprobeDuration(source))) <= 0.1)
        #expect(abs(stats.mediaDurationSec - 6.0) < 0.05)
        #expect(stats.framesEncoded == 180)
        #expect(stats.segmentCount == 3)
        #expect(stats.stream == StreamDescription(videoCodec: "h264", audioCodec: nil, width: 320, height: 240, fps: 30, transcoded: false))

        for name in segments {
            let report = try MediaProbe.probe(spec.directory.appendingPathComponent(name))
            #expect(report.decodesCleanly, "\(name): \(report)")
            #expect(report.firstVideoPacketIsKeyframe, "\(name) does not start with a keyframe")
            #expect(report.framesDecoded == 60, "\(name): \(report.framesDecoded) frames")
        }
        #expect(FileManager.default.fileExists(atPath: spec.directory.appendingPathComponent("poster.jpg").path))
    }

    @Test("a source that comes back with restarted timestamps continues after #EXT-X-DISCONTINUITY and still decodes")
    func discontinuity() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.h264.make(in: temp.url, seconds: 4)
        let spec = copySpec(temp.url, id: "discont")
        let events = await copyThroughDemuxer(source, spec: spec, runs: 2)

        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        #expect(stats.reconnects == 1)
        let text = try #require(playlistText(spec.directory))
        #expect(text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count - 1 == 1)
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        let playlist = PlaylistFile(parsing: text)
        #expect(playlist.segments.count == 4)
        #expect(playlist.segments[2].tags.first == "#EXT-X-DISCONTINUITY")
        #expect(abs(stats.mediaDurationSec - 8.0) < 0.05)
        let whole = try MediaProbe.probe(spec.directory.appendingPathComponent("index.m3u8"))
        #expect(whole.decodeErrors == 0)
        #expect(whole.framesDecoded == 240)
        #expect(abs(try ffprobeDuration(spec.directory.appendingPathComponent("index.m3u8")) - 8.0) <= 0.1)
    }

    @Test("H.265 is copied, every segment decodes")
    func hevc() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.hevc.make(in: temp.url)
        let spec = copySpec(temp.url, id: "copy265")
        let events = await copyThroughDemuxer(source, spec: spec)
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        #expect(stats.stream?.videoCodec == "hevc")
        #expect(stats.stream?.width == 320 && stats.stream?.height == 240)
        #expect(stats.segmentCount == 3)
        #expect(playlistText(spec.directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
        for name in listedSegments(spec.directory) {
            let report = try MediaProbe.probe(spec.directory.appendingPathComponent(name))
            #expect(report.codecName == "hevc")
            #expect(report.decodesCleanly, "\(name): \(report)")
            #expect(report.firstVideoPacketIsKeyframe)
        }
        #expect(abs(try ffprobeDuration(spec.directory.appendingPathComponent("index.m3u8")) - (try ffprobeDuration(source))) <= 0.15)
    }

    @Test("H.264 with AAC keeps both streams in every segment")
    func h264AAC() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.h264AAC.make(in: temp.url)
        let spec = copySpec(temp.url, id: "copyaac")
        let events = await copyThroughDemuxer(source, spec: spec)
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        #expect(stats.stream?.audioCodec == "aac")
        for name in listedSegments(spec.directory) {
            let url = spec.directory.appendingPathComponent(name)
            #expect(try ffprobeCodecs(url) == ["h264", "aac"], "\(name)")
            #expect(try MediaProbe.probe(url).decodesCleanly)
        }
        #expect(abs(stats.mediaDurationSec - 6.0) < 0.05)
    }

    @Test("fMP4: init.mp4 and .m4s fragments, each decoding with the init segment, audio kept")
    func fragmentedMP4() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.h264AAC.make(in: temp.url)
        let spec = copySpec(temp.url, id: "copyfmp4", format: .fmp4)
        let events = await copyThroughDemuxer(source, spec: spec)
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        let text = try #require(playlistText(spec.directory))
        #expect(text.contains("#EXT-X-MAP:URI=\"init.mp4\""))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        let segments = listedSegments(spec.directory)
        #expect(segments == (0..<3).map { String(format: "seg_%05d.m4s", $0) })
        let initSegment = spec.directory.appendingPathComponent("init.mp4")
        var bytes = Int64(try #require(FileManager.default.attributesOfItem(atPath: initSegment.path)[.size] as? Int))
        for name in segments {
            let url = spec.directory.appendingPathComponent(name)
            let report = try MediaProbe.probe(segment: url, initSegment: initSegment)
            #expect(report.decodesCleanly, "\(name): \(report)")
            #expect(report.firstVideoPacketIsKeyframe)
            #expect(report.framesDecoded == 60, "\(name): \(report.framesDecoded) frames")
            bytes += Int64(try #require(FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int))
        }
        #expect(stats.bytes == bytes)
        #expect(abs(try ffprobeDuration(spec.directory.appendingPathComponent("index.m3u8")) - 6.0) <= 0.1)
        #expect(try ffprobeCodecs(spec.directory.appendingPathComponent("index.m3u8")) == ["h264", "aac"])
    }

    @Test("maxMediaSeconds ends the copy with that much media (B-frames: short by at most the reorder depth)")
    func duration() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.h264.make(in: temp.url)
        let spec = copySpec(temp.url, id: "limit", maxMediaSeconds: 3)
        let events = await copyThroughDemuxer(source, spec: spec)
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .reachedDuration)
        // The source has B-frames: the copy stops before the first frame (in decoding order) at the
        // limit, so every frame it keeps decodes and the last one or two B-frames before it go.
        #expect(stats.mediaDurationSec <= 3.0 + 0.001 && stats.mediaDurationSec >= 3.0 - 0.1, "EXTINF \(extinfValues(spec.directory))")
        #expect(extinfValues(spec.directory).count == 2)
        #expect(playlistText(spec.directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
    }
}
