import Foundation
import StreamdTestSupport
import Testing

/// A recording whose playlist cannot be written when it ends (here: a directory stands where the
/// playlist goes, as EMFILE or a full disk would stop the write) is not left without ENDLIST: the
/// finalization is retried and lands as soon as the obstacle is gone.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct FinalizeRetryTests {
    @Test func aPlaylistThatCannotBeWrittenYetGetsItsENDLISTOnceItCan() async throws {
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage, config: StorageFaultTests.config) { daemon in
                // Open-ended, so the obstacle is surely in place when it ends: the close below ends it.
                let id = try await daemon.startTestPattern(extra: #","width":160,"height":120"#)
                try await daemon.waitForSegments(id, atLeast: 1)
                let playlist = storage.recording(id).appendingPathComponent("index.m3u8")
                // The muxer renames a fresh playlist into place every segment: swap it for a directory
                // between two renames (tried again if a rename lands in between).
                try await Eventually.until("a directory in place of \(id)'s playlist", timeout: .seconds(10), interval: .milliseconds(10)) {
                    _ = unlink(playlist.path)  // the playlist file; fails harmlessly when a directory is already there
                    return mkdir(playlist.path, 0o755) == 0
                }
                let close = Task { try await daemon.request("POST", "/sessions/\(id)/close") }
                try await Eventually.until("a retried finalization", timeout: .seconds(120), interval: .milliseconds(100)) {
                    daemon.standardError.contains("cannot finalize the playlist yet")
                }
                #expect(try await daemon.session(id)["status"] as? String == "recording", "the session ended before its playlist was final")
                try FileManager.default.removeItem(at: playlist)
                _ = try await close.value

                let ended = try await Eventually.value("\(id) to end", timeout: .seconds(30), interval: .milliseconds(100)) { () -> [String: Any]? in
                    let session = try await daemon.session(id)
                    return ["completed", "failed", "interrupted"].contains(session["status"] as? String ?? "") ? session : nil
                }
                let text = try String(contentsOf: playlist, encoding: .utf8)
                #expect(text.contains("#EXT-X-ENDLIST"), "\(text)")
                #expect((ended["segment_count"] as? Int ?? 0) >= 1, "\(ended)")
                #expect(daemon.standardError.contains("finalized the playlist after retrying"))
            }
        }
    }
}
