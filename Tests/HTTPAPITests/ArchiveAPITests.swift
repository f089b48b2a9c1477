import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Recorder
import StreamdTestSupport
import Testing

@Suite("archive: segments, devices, timeline, device playlist")
struct ArchiveAPITests {
    func record(_ client: any TestClientProtocol, id: String, device: String) async throws {
        let created = try await client.send(
            .post, "/sessions", json: #"{"sessionId":"\#(id)","deviceId":"\#(device)","source":"testsrc","durationSec":2}"#)
        #expect(created.status == .created)
        try await Eventually.until("\(id) to complete", timeout: .seconds(60)) {
            try await client.send(.get, "/sessions/\(id)").json["status"] as? String == "completed"
        }
    }

    @Test func twoSessionsWithAGapPlayAsOnePlaylistWithADiscontinuity() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let started = Date()
            try await record(client, id: "arch-1", device: "cam-arch")
            try await Task.sleep(for: .seconds(2))
            try await record(client, id: "arch-2", device: "cam-arch")
            let from = started.addingTimeInterval(-5).epochMilliseconds
            let to = Date().addingTimeInterval(1).epochMilliseconds

            let segments = try await client.send(.get, "/sessions/arch-1/segments")
            #expect(segments.status == .ok)
            let rows = try #require(segments.json["segments"] as? [[String: Any]])
            #expect(!rows.isEmpty)
            #expect(Set(rows.first?.keys.map { $0 } ?? []) == ["seq", "uri", "starts_at", "duration_sec", "bytes", "discontinuity"])
            #expect(try await client.send(.get, "/sessions/arch-none/segments").errorCode == "session_not_found")

            let devices = try await client.send(.get, "/devices")
            let device = try #require((devices.json["devices"] as? [[String: Any]])?.first)
            #expect(device["device_id"] as? String == "cam-arch")
            #expect(device["sessions"] as? Int == 2)
            #expect(device["recording"] as? Bool == false)

            let timeline = try await client.send(.get, "/devices/cam-arch/timeline?from=\(from)&to=\(to)")
            #expect(timeline.status == .ok)
            let spans = try #require(timeline.json["spans"] as? [[String: Any]])
            #expect(spans.map { $0["session_id"] as? String } == ["arch-1", "arch-2"])
            #expect((timeline.json["detections"] as? [Any])?.isEmpty == true)

            let playlist = try await client.send(.get, "/devices/cam-arch/index.m3u8?from=\(from)&to=\(to)")
            #expect(playlist.status == .ok)
            #expect(playlist.headers[.contentType] == "application/vnd.apple.mpegurl")
            let text = playlist.text
            #expect(text.contains("#EXT-X-PLAYLIST-TYPE:VOD") && text.hasSuffix("#EXT-X-ENDLIST\n"))
            let lines = text.split(separator: "\n")
            let uris = lines.filter { !$0.hasPrefix("#") }
            #expect(lines.count { $0.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") } == uris.count)
            #expect(lines.count { $0 == "#EXT-X-DISCONTINUITY" } == 1)
            #expect(uris.first?.hasPrefix("/arch-1/") == true && uris.last?.hasPrefix("/arch-2/") == true)

            // ffprobe plays it through the gap: the files it names, as the server maps them.
            let recordings = daemon.dataDirectory.appendingPathComponent("recordings").path
            let local = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("/") ? recordings + $0 : String($0) }.joined(separator: "\n")
            let file = daemon.dataDirectory.appendingPathComponent("device.m3u8")
            try local.write(to: file, atomically: true, encoding: .utf8)
            let listed = lines.compactMap { line -> Double? in
                guard line.hasPrefix("#EXTINF:") else { return nil }
                return Double(line.dropFirst(8).prefix { $0 != "," })
            }.reduce(0, +)
            let probed = try Self.ffprobeDuration(file)
            #expect(abs(probed - listed) < 0.2, "ffprobe \(probed) s, listed \(listed) s")
        }
    }

    @Test func windowsAreCheckedAndDefaulted() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            #expect(try await client.send(.get, "/devices/cam-x/timeline?from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z").status == .unprocessableContent)
            let long = try await client.send(.get, "/devices/cam-x/index.m3u8?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z")
            #expect(long.status == .unprocessableContent)
            #expect(long.errorCode == "range_too_long")
            #expect(try await client.send(.get, "/devices/cam-x/timeline?from=yesterday").errorCode == "invalid_time")
            let empty = try await client.send(.get, "/devices/cam-x/timeline?to=1707912000000")
            #expect(empty.status == .ok)
            #expect(empty.json["from"] as? String == "2024-02-14T11:00:00.000Z")
            #expect(empty.json["to"] as? String == "2024-02-14T12:00:00.000Z")
            let none = try await client.send(.get, "/devices/cam-x/index.m3u8?from=2024-02-14T11:00:00.5Z&to=2024-02-14T13:00:00%2B01:00")
            #expect(none.status == .ok)
            #expect(none.text.contains("#EXT-X-ENDLIST"))
            #expect(try await client.send(.get, "/devices").json["devices"] as? [Any] != nil)
        }
    }

    static func ffprobeDuration(_ url: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffprobe")
        process.arguments = ["-v", "error", "-allowed_extensions", "ALL", "-show_entries", "format=duration", "-of", "csv=p=0", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
