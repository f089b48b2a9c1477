import Foundation
import StreamdTestSupport
import Testing
@testable import Media

@Suite("PlaylistRecovery")
struct PlaylistRecoveryTests {
    /// A finished 6 s recording turned into what a crash leaves: no ENDLIST.
    private func crashedRecording(_ temp: TemporaryDirectory, id: String) async throws -> URL {
        var spec = smallSpec(temp.url, id: id, seconds: 6)
        spec.writeThumbnail = false
        let pipeline = RecordingPipeline(spec: spec, logger: TestLog.logger)
        pipeline.start()
        let events = await collectEvents(pipeline)
        #expect(events.finished?.0 == .reachedDuration)
        let playlist = spec.directory.appendingPathComponent("index.m3u8")
        let text = try String(contentsOf: playlist, encoding: .utf8).replacingOccurrences(of: "#EXT-X-ENDLIST\n", with: "")
        try text.write(to: playlist, atomically: true, encoding: .utf8)
        return spec.directory
    }

    @Test("a torn last segment is dropped, ENDLIST appended, and a second run changes nothing")
    func tornLastSegment() async throws {
        let temp = try TemporaryDirectory()
        let directory = try await crashedRecording(temp, id: "torn")
        let segments = listedSegments(directory)
        #expect(segments.count == 3)
        let last = directory.appendingPathComponent(try #require(segments.last))
        let data = try Data(contentsOf: last)
        try data.prefix(data.count / 2).write(to: last)
        try Data("partial".utf8).write(to: directory.appendingPathComponent("seg_00003.ts.tmp"))

        let stats = try PlaylistRecovery.finalize(directory: directory)
        #expect(listedSegments(directory) == Array(segments.dropLast()))
        #expect(playlistText(directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
        #expect(stats.segmentCount == 2)
        #expect(abs(stats.mediaDurationSec - 4.0) < 0.01)
        let expectedBytes = try segments.dropLast().reduce(Int64(0)) {
            $0 + Int64(try #require(FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent($1).path)[.size] as? Int))
        }
        #expect(stats.bytes == expectedBytes)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("seg_00003.ts.tmp").path))

        let before = playlistText(directory)
        let again = try PlaylistRecovery.finalize(directory: directory)
        #expect(again == stats)
        #expect(playlistText(directory) == before)
        let whole = try MediaProbe.probe(directory.appendingPathComponent("index.m3u8"))
        #expect(whole.decodeErrors == 0 && whole.corruptPackets == 0)
    }

    @Test("intact segments are all kept; a listed but missing file is dropped")
    func missingSegment() async throws {
        let temp = try TemporaryDirectory()
        let directory = try await crashedRecording(temp, id: "missing")
        let segments = listedSegments(directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent(segments[1]))
        let stats = try PlaylistRecovery.finalize(directory: directory)
        #expect(listedSegments(directory) == [segments[0], segments[2]])
        #expect(stats.segmentCount == 2)
        #expect(playlistText(directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
    }

    @Test("no playlist at all: a valid empty EVENT playlist with ENDLIST")
    func noPlaylist() throws {
        let temp = try TemporaryDirectory()
        let directory = temp.file("never-started")
        let stats = try PlaylistRecovery.finalize(directory: directory)
        #expect(stats == PipelineStats())
        let text = try #require(playlistText(directory))
        #expect(text.hasPrefix("#EXTM3U\n"))
        #expect(text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"))
        #expect(text.contains("#EXT-X-TARGETDURATION:"))
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        #expect(try PlaylistRecovery.finalize(directory: directory) == stats)
    }

    @Test("a playlist left empty (a full disk) is rebuilt from the segment files, dropping the torn one")
    func rebuildsEmptyPlaylist() async throws {
        let temp = try TemporaryDirectory()
        let directory = try await crashedRecording(temp, id: "rebuild")
        let segments = listedSegments(directory)
        try Data().write(to: directory.appendingPathComponent("index.m3u8"))
        let last = directory.appendingPathComponent(segments[2])
        let data = try Data(contentsOf: last)
        try data.prefix(data.count / 3).write(to: last)

        let stats = try PlaylistRecovery.finalize(directory: directory)
        #expect(listedSegments(directory) == Array(segments.prefix(2)))
        #expect(stats.segmentCount == 2)
        #expect(abs(stats.mediaDurationSec - 4.0) < 0.05)
        let text = try #require(playlistText(directory))
        #expect(text.hasPrefix("#EXTM3U\n"))
        #expect(text.components(separatedBy: "#EXT-X-PROGRAM-DATE-TIME:").count == 3)
        #expect(text.hasSuffix("#EXT-X-ENDLIST\n"))
        #expect(!FileManager.default.fileExists(atPath: last.path), "the torn segment is removed")
        let whole = try MediaProbe.probe(directory.appendingPathComponent("index.m3u8"))
        #expect(whole.framesDecoded == 120 && whole.decodeErrors == 0)
        #expect(try PlaylistRecovery.finalize(directory: directory) == stats)
    }

    @Test("garbage in place of the playlist and no segments: an empty finalized playlist")
    func garbagePlaylistWithoutSegments() throws {
        let temp = try TemporaryDirectory()
        try Data("hello".utf8).write(to: temp.file("index.m3u8"))
        let stats = try PlaylistRecovery.finalize(directory: temp.url)
        #expect(stats.segmentCount == 0)
        #expect(playlistText(temp.url)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
    }

    @Test("after a failure every segment is checked: a torn middle segment is dropped with a discontinuity")
    func verifiesEverySegmentAfterFailure() async throws {
        let temp = try TemporaryDirectory()
        let directory = try await crashedRecording(temp, id: "middle")
        let segments = listedSegments(directory)
        let middle = directory.appendingPathComponent(segments[1])
        let data = try Data(contentsOf: middle)
        try data.prefix(data.count / 2).write(to: middle)

        let stats = try PlaylistRecovery.finalize(directory: directory, verifyEverySegment: true, logger: nil)
        #expect(listedSegments(directory) == [segments[0], segments[2]])
        #expect(stats.segmentCount == 2)
        let text = try #require(playlistText(directory))
        let discontinuity = try #require(text.range(of: "#EXT-X-DISCONTINUITY"))
        #expect(text[discontinuity.upperBound...].contains(segments[2]))
        #expect(!text[..<discontinuity.lowerBound].contains(segments[2]))
    }
}
