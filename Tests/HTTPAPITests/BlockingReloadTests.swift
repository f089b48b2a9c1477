import Foundation
@testable import HTTPAPI
import Hummingbird
import HummingbirdTesting
import StreamdTestSupport
import Testing

/// `?_HLS_msn=N` holds a live playlist request until segment N is listed, woken by the writer's signal.
@Suite struct BlockingReloadTests {
    static func playlist(segments: Int, target: Int, ended: Bool = false) -> String {
        LiveWindowTests.eventPlaylist(segments: segments, ended: ended).replacingOccurrences(of: "#EXT-X-TARGETDURATION:2", with: "#EXT-X-TARGETDURATION:\(target)")
    }

    @Test func aRequestForTheNextSegmentReturnsWhenItIsWritten() async throws {
        let daemon = try TestDaemon()
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/block-1")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("index.m3u8")
        // A 20 s target duration: the hold would last 60 s, so an answer within 20 s came from the signal.
        try Self.playlist(segments: 3, target: 20).write(to: file, atomically: true, encoding: .utf8)
        try await daemon.test { client in
            let live = try await client.send(.get, "/block-1/live.m3u8")
            #expect(live.text.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES"))
            for name in ["index.m3u8", "live.m3u8"] {
                let segments = name == "index.m3u8" ? 3 : 4
                let next = String(format: "seg_%05d.ts", segments)
                let counter = daemon.manager.changes.counter(for: "block-1")
                async let held = client.send(.get, "/block-1/\(name)?_HLS_msn=\(segments)")
                try await Eventually.until("the reload of \(name) to wait for segment \(segments)", timeout: .seconds(20)) { counter.waiting == 1 }
                try Self.playlist(segments: segments + 1, target: 20).write(to: file, atomically: true, encoding: .utf8)
                let signalled = ContinuousClock.now
                daemon.manager.changes.changed("block-1")
                let response = try await held
                #expect(response.status == .ok)
                #expect(response.text.contains(next), "the held \(name) does not list \(next): \(response.text)")
                #expect(ContinuousClock.now - signalled < .seconds(20))
            }
        }
    }

    @Test func listedSegmentsAndEndedPlaylistsAnswerAtOnceAndBadDirectivesAre400() async throws {
        let daemon = try TestDaemon()
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/block-2")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.playlist(segments: 3, target: 20).write(to: directory.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
        try await daemon.test { client in
            let started = ContinuousClock.now
            #expect(try await client.send(.get, "/block-2/index.m3u8?_HLS_msn=2").status == .ok)
            #expect(try await client.send(.get, "/block-2/index.m3u8?_HLS_msn=0&_HLS_part=3").status == .ok)
            #expect(ContinuousClock.now - started < .seconds(20), "a listed segment was waited for")
            for query in ["_HLS_msn=abc", "_HLS_msn=-1", "_HLS_part=1", "_HLS_msn=3&_HLS_part=x", "_HLS_msn=6", "_HLS_msn=99999999999999999999"] {
                let bad = try await client.send(.get, "/block-2/index.m3u8?\(query)")
                #expect(bad.status == .badRequest, "\(query) → \(bad.status)")
                #expect(bad.errorCode == "bad_reload_request")
            }
            try Self.playlist(segments: 3, target: 20, ended: true).write(to: directory.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
            let ended = try await client.send(.get, "/block-2/index.m3u8?_HLS_msn=4")
            #expect(ended.status == .ok && ended.text.contains("#EXT-X-ENDLIST"))
            #expect(!ended.text.contains("SERVER-CONTROL"), "an ended playlist advertises blocking reloads")
        }
    }

    @Test func withoutTheSegmentTheHoldEndsAfterThreeTargetDurations() async throws {
        let daemon = try TestDaemon()
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/block-3")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.playlist(segments: 2, target: 1).write(to: directory.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
        try await daemon.test { client in
            let started = ContinuousClock.now
            let response = try await client.send(.get, "/block-3/index.m3u8?_HLS_msn=2")
            #expect(response.status == .ok)
            #expect(!response.text.contains("seg_00002.ts"))
            #expect(ContinuousClock.now - started >= .milliseconds(2900), "the hold ended early")
        }
    }

    static func lastMediaSequence(_ playlist: String) -> Int {
        let lines = playlist.split(separator: "\n")
        let base = lines.first { $0.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") }.flatMap { Int($0.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count)) } ?? 0
        return base + lines.filter { !$0.hasPrefix("#") }.count - 1
    }

    /// The real writer: a test-pattern recording's next segment wakes the held request.
    @Test func theRecordingPipelineWakesAHeldReload() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"block-live","source":"testsrc"}"#)
            #expect(created.status == .created)
            let first = try await Eventually.value("a listed segment in /block-live/live.m3u8", timeout: .seconds(60)) {
                let response = try await client.send(.get, "/block-live/live.m3u8")
                return response.text.contains("#EXTINF") ? response.text : nil
            }
            let next = Self.lastMediaSequence(first) + 1
            // On a loaded machine the next segment may take longer than the hold (three target durations):
            // ask again until it is there, but each answer must come from the signal or the hold's end.
            let held = try await Eventually.value("segment \(next) listed by a held reload", timeout: .seconds(90)) {
                let response = try await client.send(.get, "/block-live/live.m3u8?_HLS_msn=\(next)")
                #expect(response.status == .ok)
                return Self.lastMediaSequence(response.text) >= next ? response.text : nil
            }
            #expect(held.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES"))
            _ = try await client.send(.post, "/sessions/block-live/close")
        }
    }
}
