import Foundation
@testable import HTTPAPI
import Hummingbird
import HummingbirdTesting
import StreamdTestSupport
import Testing

/// `/<id>/live.m3u8`: the last six segments of a live recording, so players join at its edge.
@Suite struct LiveWindowTests {
    static func eventPlaylist(segments: Int, discontinuityAt: Set<Int> = [], ended: Bool = false) -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:EVENT"]
        for n in 0..<segments {
            if discontinuityAt.contains(n) { lines.append("#EXT-X-DISCONTINUITY") }
            lines.append("#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:\(String(format: "%02d", 2 * n)).000+0000")
            lines.append("#EXTINF:2.000000,")
            lines.append(String(format: "seg_%05d.ts", n))
        }
        if ended { lines.append("#EXT-X-ENDLIST") }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func theWindowKeepsTheLastSixSegmentsAndAdvancesTheSequences() {
        let window = LivePlaylist.slidingWindow(Self.eventPlaylist(segments: 10, discontinuityAt: [2, 8]))
        let uris = window.split(separator: "\n").filter { $0.hasPrefix("seg_") }
        #expect(uris == ["seg_00004.ts", "seg_00005.ts", "seg_00006.ts", "seg_00007.ts", "seg_00008.ts", "seg_00009.ts"])
        #expect(window.contains("#EXT-X-MEDIA-SEQUENCE:4\n"))
        #expect(window.contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"))
        #expect(!window.contains("PLAYLIST-TYPE"))
        #expect(window.components(separatedBy: "#EXT-X-PROGRAM-DATE-TIME").count - 1 == 6)
        // The kept discontinuity stays in front of its segment.
        #expect(window.contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:16.000+0000"))
    }

    @Test func aShortRecordingIsServedWhole() {
        let window = LivePlaylist.slidingWindow(Self.eventPlaylist(segments: 3))
        #expect(window.split(separator: "\n").filter { $0.hasPrefix("seg_") }.count == 3)
        #expect(window.contains("#EXT-X-MEDIA-SEQUENCE:0\n"))
        #expect(!window.contains("DISCONTINUITY-SEQUENCE"))
    }

    @Test func liveAndEndedThroughTheRoute() async throws {
        let daemon = try TestDaemon()
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/win-1")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let playlist = directory.appendingPathComponent("index.m3u8")
        try Self.eventPlaylist(segments: 9).write(to: playlist, atomically: true, encoding: .utf8)
        try await daemon.test { client in
            let live = try await client.send(.get, "/win-1/live.m3u8")
            #expect(live.status == .ok)
            #expect(live.headers[.contentType] == "application/vnd.apple.mpegurl")
            #expect(live.headers[.cacheControl] == "no-cache")
            #expect(live.text.contains("#EXT-X-MEDIA-SEQUENCE:3\n"))
            #expect(live.text.split(separator: "\n").filter { $0.hasPrefix("seg_") }.count == 6)

            let ended = Self.eventPlaylist(segments: 9, ended: true)
            try ended.write(to: playlist, atomically: true, encoding: .utf8)
            let whole = try await Eventually.value("live.m3u8 of the ended recording", timeout: .seconds(10)) {
                let response = try await client.send(.get, "/win-1/live.m3u8")
                return response.text.contains("#EXT-X-ENDLIST") ? response : nil
            }
            #expect(whole.text == ended)
        }
    }
}
