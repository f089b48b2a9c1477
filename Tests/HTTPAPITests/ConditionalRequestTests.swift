import Foundation
@testable import HTTPAPI
import Hummingbird
import HummingbirdTesting
import StreamdTestSupport
import Testing

/// `ETag` / `Last-Modified` on every recording file, and 304 for `If-None-Match` / `If-Modified-Since`.
@Suite struct ConditionalRequestTests {
    static func recording(_ daemon: TestDaemon, _ id: String, playlist: String) throws -> URL {
        let directory = daemon.dataDirectory.appendingPathComponent("recordings/\(id)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data((0..<4000).map { UInt8(truncatingIfNeeded: $0) }).write(to: directory.appendingPathComponent("seg_00000.ts"))
        try playlist.write(to: directory.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func unchangedFilesAnswer304ToEitherValidator() async throws {
        let daemon = try TestDaemon()
        _ = try Self.recording(daemon, "cond-1", playlist: LiveWindowTests.eventPlaylist(segments: 1, ended: true))
        try await daemon.test { client in
            for path in ["/cond-1/seg_00000.ts", "/cond-1/index.m3u8"] {
                let first = try await client.send(.get, path)
                let etag = try #require(first.headers[.eTag], "\(path) has no ETag")
                let modified = try #require(first.headers[.lastModified], "\(path) has no Last-Modified")
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
                #expect(HTTPDate.parse(modified) != nil, "Last-Modified \(modified) is not an IMF-fixdate")
                let again = try await client.send(.get, path)
                #expect(again.headers[.eTag] == etag, "the ETag of unchanged \(path) changed")

                let byTag = try await client.send(.get, path, headers: [.ifNoneMatch: etag])
                #expect(byTag.status == .notModified)
                #expect(byTag.body.readableBytes == 0)
                #expect(byTag.headers[.eTag] == etag)
                let inList = try await client.send(.get, path, headers: [.ifNoneMatch: "\"other\", W/\(etag)"])
                #expect(inList.status == .notModified)
                let byDate = try await client.send(.get, path, headers: [.ifModifiedSince: modified])
                #expect(byDate.status == .notModified)
                let head = try await client.send(.head, path, headers: [.ifNoneMatch: etag])
                #expect(head.status == .notModified)

                // A different tag, or an older date, gets the file.
                let otherTag = try await client.send(.get, path, headers: [.ifNoneMatch: "\"other\""])
                #expect(otherTag.status == .ok && otherTag.body.readableBytes > 0)
                let older = try await client.send(.get, path, headers: [.ifModifiedSince: "Sat, 01 Jan 2000 00:00:00 GMT"])
                #expect(older.status == .ok)
                // If-None-Match decides when both are sent.
                let both = try await client.send(.get, path, headers: [.ifNoneMatch: "\"other\"", .ifModifiedSince: modified])
                #expect(both.status == .ok)
            }
        }
    }

    @Test func aRewrittenLivePlaylistGetsANewETag() async throws {
        let daemon = try TestDaemon()
        let directory = try Self.recording(daemon, "cond-2", playlist: LiveWindowTests.eventPlaylist(segments: 2))
        try await daemon.test { client in
            let first = try await client.send(.get, "/cond-2/index.m3u8")
            let etag = try #require(first.headers[.eTag])
            let window = try #require(try await client.send(.get, "/cond-2/live.m3u8").headers[.eTag])
            #expect(window != etag, "index.m3u8 and live.m3u8 are different bodies and need different tags")
            #expect(try await client.send(.get, "/cond-2/index.m3u8", headers: [.ifNoneMatch: etag]).status == .notModified)
            // A live playlist is revalidated by its tag only: it may change twice within one second.
            let modified = try #require(first.headers[.lastModified])
            #expect(try await client.send(.get, "/cond-2/index.m3u8", headers: [.ifModifiedSince: modified]).status == .ok)

            try LiveWindowTests.eventPlaylist(segments: 3).write(to: directory.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
            let changed = try await client.send(.get, "/cond-2/index.m3u8", headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(changed.text.contains("seg_00002.ts"))
        }
    }

    /// A live playlist changes with every segment: a byte range of the new version joined to what a
    /// player kept of the old one would be a playlist nobody wrote, so ranges get the whole body.
    @Test func livePlaylistsAreAnsweredWholeToRangeRequests() async throws {
        let daemon = try TestDaemon()
        _ = try Self.recording(daemon, "cond-3", playlist: LiveWindowTests.eventPlaylist(segments: 2))
        _ = try Self.recording(daemon, "cond-4", playlist: LiveWindowTests.eventPlaylist(segments: 2, ended: true))
        try await daemon.test { client in
            for name in ["index.m3u8", "live.m3u8", "index.m3u8?token=abc"] {
                let whole = try await client.send(.get, "/cond-3/\(name)")
                let tail = try await client.send(.get, "/cond-3/\(name)", headers: [.range: "bytes=10-"])
                #expect(whole.headers[.acceptRanges] == "none", "\(name)")
                #expect(tail.status == .ok && tail.text == whole.text, "\(name) answered a range with \(tail.status)")
            }
            // Ended playlists do not change: their ranges are served.
            let ended = try await client.send(.get, "/cond-4/index.m3u8", headers: [.range: "bytes=10-"])
            #expect(ended.status == .partialContent && ended.headers[.acceptRanges] == "bytes")
        }
    }
}
