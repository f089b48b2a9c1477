import Foundation
import StreamdTestSupport
import Testing
@testable import Media

@Suite("PlaylistFile")
struct PlaylistFileTests {
    static let live = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:EVENT
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-MAP:URI="init.mp4"
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000+0000
        seg_00000.m4s
        #EXTINF:1.500000,
        #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.000+0000
        seg_00001.m4s

        """

    @Test func parsesSegmentsDurationsAndInit() {
        let playlist = PlaylistFile(parsing: Self.live)
        #expect(playlist.header.count == 7)
        #expect(playlist.segments.map(\.uri) == ["seg_00000.m4s", "seg_00001.m4s"])
        #expect(playlist.segments.map(\.duration) == [2.0, 1.5])
        #expect(playlist.mediaDuration == 3.5)
        #expect(playlist.initSegmentURI == "init.mp4")
        #expect(!playlist.hasEndList)
        #expect(playlist.text == Self.live)
    }

    @Test func endListRoundTrips() {
        var playlist = PlaylistFile(parsing: Self.live)
        playlist.segments.removeLast()
        playlist.hasEndList = true
        let reparsed = PlaylistFile(parsing: playlist.text)
        #expect(reparsed == playlist)
        #expect(reparsed.text.hasSuffix("seg_00000.m4s\n#EXT-X-ENDLIST\n"))
    }

    @Test func emptyPlaylistIsEndedEvent() {
        let text = PlaylistFile.empty(targetDuration: 2).text
        #expect(text == "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-ENDLIST\n")
    }
}
