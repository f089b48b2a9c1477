import Foundation
import StreamdTestSupport
import Testing

/// A live session opened in the page plays at its edge: the page follows `live.m3u8` and appends its
/// newest segments to the video itself (Media Source Extensions), and what Chromium shows is within
/// three target durations of now by the recording's own clock (`#EXT-X-PROGRAM-DATE-TIME`).
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct WebPageLiveTests {
    @Test func aLiveSessionPlaysNearItsLiveEdge() async throws {
        try await ServiceDaemon.with(config: ServiceDaemon.webPageConfig) { daemon in
            let id = try await daemon.startTestPattern()
            // Old enough that its start is far behind the edge: 8 segments of 2 s.
            try await Eventually.until("\(id) to record 8 segments", timeout: .seconds(120), interval: .milliseconds(500)) {
                (try await daemon.request("GET", "/sessions/\(id)").object()["segment_count"] as? Int ?? 0) >= 8
            }
            let state = "document.getElementById('player-state')"
            // The segments the video element fetched (resource timing), where it plays, and the page's clock.
            let probe = """
                (() => {
                  const v = document.getElementById('video');
                  const fetched = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch' || e.initiatorType === 'video')
                    .map(e => e.name.split('/').pop().split('?')[0]).filter(n => /^seg_\\d+\\.ts$/.test(n));
                  return {fetched, currentTime: v.currentTime, now: Date.now(), playlist: \(state).dataset.playlist,
                          player: \(state).dataset.player, edgeStart: \(state).dataset.edgeStart || null,
                          error: \(state).dataset.error || null};
                })()
                """
            let player = try await WebPageChromium.open(
                daemon.baseURL + "/#/play/\(id)", until: "Number(\(state).dataset.currentTime) > 7 || \(state).dataset.error",
                print: probe, timeout: 60)
            let value = try #require(player.value as? [String: Any])
            #expect(player.ok && value["error"] is NSNull, "the live session did not play: \(value)")
            #expect(value["playlist"] as? String == "live.m3u8")
            #expect(value["player"] as? String == "edge", "Chromium's Media Source Extensions read MPEG-TS, so the page plays the edge itself")

            // The playlist's dates of the segments; the video's timeline starts at the first segment of
            // the last contiguous run fetched (Chromium's native HLS may probe an older one first), which
            // is the newest one live.m3u8 listed when the page joined.
            let playlist = try await daemon.request("GET", "/\(id)/index.m3u8").text
            let dates = Self.programDates(playlist)
            let target = Double(playlist.split(separator: "\n").first { $0.hasPrefix("#EXT-X-TARGETDURATION:") }?.dropFirst(22) ?? "2") ?? 2
            let numbers = (value["fetched"] as? [String] ?? []).compactMap { Int($0.dropFirst(4).dropLast(3)) }
            guard var first = numbers.last else { Issue.record("the video fetched no segment: \(value)"); return }
            let fetched = Set(numbers)
            while fetched.contains(first - 1) { first -= 1 }
            let start = try #require(dates[String(format: "seg_%05d.ts", first)], "no PROGRAM-DATE-TIME for segment \(first)")
            let now = (value["now"] as? Double ?? 0) / 1000
            let shown = start + (value["currentTime"] as? Double ?? 0)
            let behind = now - shown
            print("live edge: the video shows \(String(format: "%.2f", behind)) s behind now (segment \(first), target \(target) s)")
            #expect(value["edgeStart"] as? String == String(format: "seg_%05d.ts", first), "the page started at \(value["edgeStart"] ?? "nil"), the video's timeline at segment \(first)")
            // The newest segment of the window is at most one target duration old when the page joins,
            // and it shows the start of that segment: one target duration, plus its age, plus the time the
            // capture takes to close a segment and the player to start.
            #expect(behind <= 3 * target, "the video is \(behind) s behind live (target duration \(target) s)")
            #expect(first >= 7, "the video started at segment \(first), not at the newest of 8")
            // Seven seconds in, it has played on through the segments written since it joined, each
            // appended as live.m3u8 listed it, and is as close to now as when it started.
            #expect(fetched.isSuperset(of: first...(first + 3)), "segments fetched after joining at \(first): \(numbers)")
            _ = try await daemon.request("POST", "/sessions/\(id)/close")
        }
    }

    /// Segment URI → its `#EXT-X-PROGRAM-DATE-TIME` in seconds since the epoch.
    static func programDates(_ playlist: String) -> [String: Double] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var dates: [String: Double] = [:]
        var pending: Double?
        for line in playlist.split(separator: "\n") {
            if line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") {
                var text = String(line.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count))
                // FFmpeg writes +0000; ISO8601DateFormatter wants +00:00.
                if text.hasSuffix("+0000") { text = String(text.dropLast(5)) + "Z" }
                pending = formatter.date(from: text)?.timeIntervalSince1970
            } else if !line.hasPrefix("#"), let date = pending {
                dates[String(line)] = date
                pending = nil
            }
        }
        return dates
    }
}
