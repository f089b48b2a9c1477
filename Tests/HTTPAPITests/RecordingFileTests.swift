import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Recorder
import StreamdTestSupport
import Testing

@Suite("recording files: playlists, segments, ranges, traversal")
struct RecordingFileTests {
    /// A finished 2-segment recording made by the real pipeline.
    func recorded(_ daemon: TestDaemon, _ client: any TestClientProtocol, id: String) async throws -> [String] {
        let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"\#(id)","source":"testsrc","durationSec":2}"#)
        #expect(created.status == .created)
        // The session ends by itself after 2 s of media.
        try await Eventually.until("\(id) to complete", timeout: .seconds(60)) {
            try await client.send(.get, "/sessions/\(id)").json["status"] as? String == "completed"
        }
        return try HLSPlaylist(directory: daemon.dataDirectory.appendingPathComponent("recordings/\(id)")).segments
    }

    @Test func servesPlaylistsAndSegmentsWithRangesAndCaching() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let segments = try await recorded(daemon, client, id: "files-1")
            let segment = try #require(segments.first)
            let bytes = try Data(contentsOf: daemon.dataDirectory.appendingPathComponent("recordings/files-1/\(segment)"))

            let playlist = try await client.send(.get, "/files-1/index.m3u8")
            #expect(playlist.status == .ok)
            #expect(playlist.headers[.contentType] == "application/vnd.apple.mpegurl")
            #expect(playlist.headers[.cacheControl]?.contains("max-age") == true)
            #expect(playlist.text.contains("#EXT-X-ENDLIST"))
            #expect(!playlist.text.contains("#EXT-X-START"))

            let whole = try await client.send(.get, "/files-1/\(segment)")
            #expect(whole.status == .ok)
            #expect(whole.headers[.contentType] == "video/mp2t")
            #expect(whole.headers[.cacheControl]?.contains("immutable") == true)
            #expect(Data(buffer: whole.body) == bytes)

            let head = try await client.send(.head, "/files-1/\(segment)")
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(bytes.count))
            #expect(head.body.readableBytes == 0)

            let first = try await client.send(.get, "/files-1/\(segment)", headers: [.range: "bytes=0-9"])
            #expect(first.status == .partialContent)
            #expect(Data(buffer: first.body) == bytes.prefix(10))
            #expect(first.headers[.contentRange] == "bytes 0-9/\(bytes.count)")

            let suffix = try await client.send(.get, "/files-1/\(segment)", headers: [.range: "bytes=-188"])
            #expect(suffix.status == .partialContent)
            #expect(Data(buffer: suffix.body) == bytes.suffix(188))

            let open = try await client.send(.get, "/files-1/\(segment)", headers: [.range: "bytes=100-"])
            #expect(Data(buffer: open.body) == bytes.dropFirst(100))

            let past = try await client.send(.get, "/files-1/\(segment)", headers: [.range: "bytes=\(bytes.count)-"])
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers[.contentRange] == "bytes */\(bytes.count)")
            #expect(past.errorCode == "range_not_satisfiable")

            let poster = try await client.send(.get, "/files-1/poster.jpg")
            #expect(poster.status == .ok)
            #expect(poster.headers[.contentType] == "image/jpeg")
        }
    }

    @Test func liveplaylistIsNotCachedAndHasNoEndlist() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let r1 = try await client.send(.post, "/sessions", json: #"{"sessionId":"files-live","source":"testsrc"}"#)
            #expect(r1.status == .created)
            // Open-ended: live however slow the machine, until it is closed below.
            let response = try await Eventually.value("a listed segment in /files-live/index.m3u8", timeout: .seconds(30)) {
                let response = try await client.send(.get, "/files-live/index.m3u8")
                return response.text.contains("#EXTINF") ? response : nil
            }
            #expect(!response.text.contains("#EXT-X-ENDLIST"))
            #expect(response.headers[.cacheControl] == "no-cache")
            #expect(response.text.contains("#EXT-X-START:TIME-OFFSET=-"), "live playlists ask players to join near the live edge")
            _ = try await client.send(.post, "/sessions/files-live/close")
        }
    }

    @Test(arguments: [
        "/..%2F..%2Fetc/passwd", "/%2e%2e/%2e%2e", "/files-2/..%2F..%2Fjournal.jsonl", "/files-2/%252e%252e%252fx.ts",
        "/files-2/.hidden.ts", "/files-2/index.txt", "/files-2/escape.ts", "/files-2/%00.ts", "/files-2//etc/passwd",
        "/etc/passwd", "/files-2/" + String(repeating: "a", count: 300) + ".ts",
    ])
    func nothingOutsideTheRecordingIsServed(path: String) async throws {
        let daemon = try TestDaemon()
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/files-2")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "secret".write(to: daemon.dataDirectory.appendingPathComponent("journal.jsonl"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("escape.ts").path, withDestinationPath: "/etc/passwd")
        try "x".write(to: directory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try await daemon.test { client in
            let response = try await client.send(.get, path)
            #expect((400..<500).contains(Int(response.status.code)), "\(path) → \(response.status)")
            #expect(!response.text.contains("root:"))
            #expect(!response.text.contains("secret"))
            #expect(response.errorCode != nil)
        }
    }
}
