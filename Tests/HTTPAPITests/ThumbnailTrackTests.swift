import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import StreamdTestSupport
import Testing

@Suite("thumbnail track and sheets over HTTP")
struct ThumbnailTrackTests {
    @Test func servesTrackAndSheetsRevalidated() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let missing = try await client.send(.get, "/sessions/nobody-here/thumbnails.vtt")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "session_not_found")

            let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"thumbs-http","source":"testsrc","durationSec":2}"#)
            #expect(created.status == .created)
            try await Eventually.until("thumbs-http to complete", timeout: .seconds(60)) {
                try await client.send(.get, "/sessions/thumbs-http").json["status"] as? String == "completed"
            }
            // 2 s at the default interval (10 s): one cue, one 160x120 tile.
            let track = try await client.send(.get, "/sessions/thumbs-http/thumbnails.vtt")
            #expect(track.status == .ok)
            #expect(track.headers[.contentType]?.hasPrefix("text/vtt") == true)
            #expect(track.headers[.cacheControl] == "no-cache")
            #expect(track.text == "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n/thumbs-http/thumbnails-0.jpg#xywh=0,0,160,120\n")
            let head = try await client.send(.head, "/sessions/thumbs-http/thumbnails.vtt")
            #expect(head.status == .ok && head.headers[.contentLength] == String(track.body.readableBytes))

            let sameFile = try await client.send(.get, "/thumbs-http/thumbnails.vtt")
            #expect(sameFile.status == .ok && sameFile.text == track.text)
            #expect(sameFile.headers[.contentType] == "text/vtt")

            let sheet = try await client.send(.get, "/thumbs-http/thumbnails-0.jpg")
            #expect(sheet.status == .ok)
            #expect(sheet.headers[.contentType] == "image/jpeg")
            #expect(sheet.headers[.cacheControl] == "no-cache")
            #expect(Array(Data(buffer: sheet.body).prefix(2)) == [0xFF, 0xD8])

            // A session without a track: thumbnails_not_found.
            try FileManager.default.removeItem(at: daemon.dataDirectory.appendingPathComponent("recordings/thumbs-http/thumbnails.vtt"))
            let gone = try await client.send(.get, "/sessions/thumbs-http/thumbnails.vtt")
            #expect(gone.status == .notFound)
            #expect(gone.errorCode == "thumbnails_not_found")
        }
    }
}
