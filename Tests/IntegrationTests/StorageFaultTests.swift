import Foundation
import Sessions
import StreamdTestSupport
import Testing

@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct StorageFaultTests {
    static let config = """
        media: {width: 160, height: 120, fps: 15, segment_seconds: 1}
        limits: {max_sessions: 4, min_free_mb: 0}
        """

    /// Under `ulimit -f 200` (KiB) a 1280x720 session's segments (~500 KB a second) cannot be written
    /// (EFBIG) while a 160x120 session's (~10 KB) can: the big one must end `failed` with the OS error and a finalized
    /// playlist, while the small one and the HTTP server go on.
    @Test func aWriteErrorFailsOnlyTheAffectedSession() async throws {
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage, config: Self.config, fileSizeLimitKiB: 200) { daemon in
                let small = try await daemon.request("POST", "/sessions", json: #"{"sessionId":"fs-small","source":"testsrc"}"#)
                #expect(small.status == 201)
                let big = try await daemon.request("POST", "/sessions", json: #"{"sessionId":"fs-big","source":"testsrc","width":1280,"height":720,"fps":30}"#)
                #expect(big.status == 201)

                let failed = try await Eventually.value("fs-big to fail", timeout: .seconds(30)) { () -> [String: Any]? in
                    let session = try await daemon.session("fs-big")
                    return session["status"] as? String == "failed" ? session : nil
                }
                let reason = failed["error"] as? String ?? ""
                #expect(reason.contains("File too large"), "error: \(reason)")
                let playlist = try String(contentsOf: storage.recording("fs-big").appendingPathComponent("index.m3u8"), encoding: .utf8)
                #expect(playlist.contains("#EXT-X-ENDLIST"))

                // The other session keeps recording after the failure, and the server answers.
                let before = try await daemon.session("fs-small")["segment_count"] as? Int ?? 0
                try await daemon.waitForSegments("fs-small", atLeast: before + 2)
                #expect(try await daemon.session("fs-small")["status"] as? String == "recording")
                #expect(try await daemon.request("GET", "/healthz").status == 200)
                let closed = try await daemon.request("POST", "/sessions/fs-small/close")
                #expect(try closed.object()["status"] as? String == "completed")
                #expect(try await storage.statusInDatabase("fs-big") == "failed")
            }
        }
    }
}
