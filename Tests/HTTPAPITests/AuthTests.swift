import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("bearer tokens")
struct AuthTests {
    @Test func mutatingRequestsNeedTheAPIToken() async throws {
        let daemon = try TestDaemon(http: HTTPConfig(apiToken: "s3cret"))
        try await daemon.test { client in
            let anonymous = try await client.send(.post, "/sessions", json: #"{"source":"testsrc","durationSec":1}"#)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "unauthorized")
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let wrong = try await client.send(.post, "/sessions", json: "{}", headers: [.authorization: "Bearer s3cre"])
            #expect(wrong.status == .unauthorized)
            #expect(await daemon.manager.activeCount == 0)
            let right = try await client.send(.post, "/sessions", json: #"{"source":"testsrc","durationSec":1}"#, headers: [.authorization: "Bearer s3cret"])
            #expect(right.status == .created)
            // Reads stay open when no read token is configured.
            let r1 = try await client.send(.get, "/sessions")
            #expect(r1.status == .ok)
            let r2 = try await client.send(.delete, "/sessions/whatever")
            #expect(r2.status == .unauthorized)
        }
    }

    @Test func readTokenProtectsReadsAndPlaybackButNotHealth() async throws {
        let daemon = try TestDaemon(http: HTTPConfig(apiToken: "writer", readToken: "reader"))
        try await daemon.test { client in
            let r3 = try await client.send(.get, "/sessions")
            #expect(r3.status == .unauthorized)
            let r4 = try await client.send(.get, "/sessions", headers: [.authorization: "Bearer reader"])
            #expect(r4.status == .ok)
            let r5 = try await client.send(.get, "/sessions?token=reader")
            #expect(r5.status == .ok)
            let r6 = try await client.send(.get, "/sessions", headers: [.authorization: "Bearer writer"])
            #expect(r6.status == .ok)
            let r7 = try await client.send(.get, "/x1/index.m3u8")
            #expect(r7.status == .unauthorized)
            let r8 = try await client.send(.get, "/healthz")
            #expect(r8.status == .ok)
            let r9 = try await client.send(.get, "/")
            #expect(r9.status == .ok)
            // The read token does not allow writes.
            let r10 = try await client.send(.post, "/sessions", json: "{}", headers: [.authorization: "Bearer reader"])
            #expect(r10.status == .unauthorized)
        }
    }

    @Test func tokenIsCarriedIntoServedPlaylists() async throws {
        let daemon = try TestDaemon(http: HTTPConfig(readToken: "r/t"))
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/tok-1")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2.0,\nseg_00000.m4s\n#EXT-X-ENDLIST\n"
            .write(to: directory.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
        try await daemon.test { client in
            let response = try await client.send(.get, "/tok-1/index.m3u8?token=r%2Ft")
            #expect(response.status == .ok)
            #expect(response.text.contains("seg_00000.m4s?token=r%2Ft"))
            #expect(response.text.contains("URI=\"init.mp4?token=r%2Ft\""))
        }
    }
}
