import Foundation
import StreamdTestSupport
import Testing

/// SIGTERM finalizes every recording; a restart after SIGKILL finalizes what the crash left.
@Suite(.serialized, .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct ServiceShutdownTests {
    @Test func sigtermFinalizesEveryRecording() async throws {
        try await ServiceStorage.with { storage in
            let daemon = try ServiceDaemon.launch(storage: storage)
            var ids: [String] = []
            do {
                try await daemon.waitUntilHealthy()
                ids = [try await daemon.startTestPattern(), try await daemon.startTestPattern()]
                for id in ids { try await daemon.waitForSegments(id, atLeast: 1) }
                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit(timeout: .seconds(30))
                #expect(exit.reason == .exit && exit.status == 0, "exit \(exit.reason) \(exit.status):\n\(daemon.tail())")
            } catch {
                await daemon.stop()
                print("daemon stderr:\n\(daemon.tail())")
                throw error
            }
            for id in ids {
                let playlist = try HLSPlaylist(directory: storage.recording(id))
                #expect(playlist.hasEndList, "\(id) playlist has no ENDLIST:\n\(playlist.text)")
                #expect(!playlist.segments.isEmpty)
                #expect(playlist.missingSegments.isEmpty)
                #expect(try await playlist.decodedFrameCount() > 0)
                #expect(try await storage.statusInDatabase(id) == "interrupted")
            }
        }
    }

    @Test func restartAfterSigkillFinalizesTheRecording() async throws {
        try await ServiceStorage.with { storage in
            let first = try ServiceDaemon.launch(storage: storage)
            let id: String
            let filesAtKill: [String]
            do {
                try await first.waitUntilHealthy()
                id = try await first.startTestPattern()
                try await first.waitForSegments(id, atLeast: 2)
                first.send(SIGKILL)
                _ = try await first.waitForExit(timeout: .seconds(10))
                filesAtKill = try HLSPlaylist.segmentFiles(in: storage.recording(id))
            } catch {
                await first.stop()
                print("first daemon stderr:\n\(first.tail())")
                throw error
            }
            let unfinished = try HLSPlaylist(directory: storage.recording(id))
            #expect(!unfinished.hasEndList, "a killed recording cannot have written its ENDLIST")

            // Recovery runs before the second daemon listens: once it is healthy the session is final.
            try await ServiceDaemon.with(storage: storage) { second in
                let session = try await second.session(id)
                #expect(session["status"] as? String == "interrupted")
                let playlist = try HLSPlaylist(directory: storage.recording(id))
                #expect(playlist.hasEndList, "recovered playlist has no ENDLIST:\n\(playlist.text)")
                #expect(playlist.missingSegments.isEmpty)
                #expect(playlist.segments.count >= filesAtKill.count - 1, "kept \(playlist.segments) of \(filesAtKill)")
                #expect(session["segment_count"] as? Int == playlist.segments.count)
                #expect(try await playlist.decodedFrameCount() > 0)
            }
            #expect(try await storage.statusInDatabase(id) == "interrupted")
        }
    }
}
