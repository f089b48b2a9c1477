import Foundation
import Glibc
import StreamdTestSupport
import Testing

/// `record: always` cameras in the real daemon: back-to-back sessions with rows, ended on SIGTERM.
@Suite(.serialized)
struct CameraServiceTests {
    @Test("two always cameras record back-to-back sessions: completed, then interrupted at SIGTERM; PROGRAM-DATE-TIME contiguous",
          .enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
    func twoCamerasRollInTheDaemon() async throws {
        let sources = try ["front", "back"].map { _ in try LoopingSource() }
        defer { sources.forEach { $0.stop() } }
        let config = ServiceDaemon.smallConfig + """

            ingest: {max_session_sec: 2}
            cameras:
              - {device_id: front, url: "\(sources[0].url)", record: always}
              - {device_id: back, url: "\(sources[1].url)", record: always}
              - {device_id: spare, url: "rtsp://127.0.0.1:1/none", record: off}
            """
        try await ServiceStorage.with { storage in
            var ids: [String: [String]] = [:]
            try await ServiceDaemon.with(storage: storage, config: config) { daemon in
                try await Task.sleep(for: .seconds(9))
                await daemon.stop()
                let recordings = storage.dataDirectory.appendingPathComponent("recordings")
                let names = try FileManager.default.contentsOfDirectory(atPath: recordings.path).sorted()
                for device in ["front", "back", "spare"] {
                    ids[device] = names.filter { $0.hasPrefix("\(device)-") }
                }
            }
            #expect(ids["spare"]?.isEmpty == true)
            for device in ["front", "back"] {
                let sessions = try #require(ids[device])
                #expect(sessions.count >= 3, "\(device): \(sessions)")
                var previousEnd: Date?
                for (index, id) in sessions.enumerated() {
                    let status = try await storage.statusInDatabase(id)
                    #expect(status == (index == sessions.count - 1 ? "interrupted" : "completed"), "\(id): \(status)")
                    let text = try String(contentsOf: storage.recording(id).appendingPathComponent("index.m3u8"), encoding: .utf8)
                    #expect(text.hasSuffix("#EXT-X-ENDLIST\n"), "\(id)")
                    let segments = playlistSegments(text)
                    if let previousEnd, let first = segments.first {
                        #expect(abs(first.date.timeIntervalSince(previousEnd)) <= 1.0 / 30, "\(id) starts at \(first.date), the previous ended at \(previousEnd)")
                    }
                    if let last = segments.last { previousEnd = last.date.addingTimeInterval(last.duration) }
                }
            }
        }
    }
}

/// An H.264 MPEG-TS test pattern over HTTP (`ffmpeg -listen 1`), 30 fps with a keyframe a second.
private final class LoopingSource: Sendable {
    let url: String
    private let process: Process

    init() throws {
        let port = try FreePort.next()
        url = "http://127.0.0.1:\(port)/live"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                             "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-threads", "1", "-g", "30",
                             "-f", "mpegts", "-listen", "1", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        usleep(500_000)
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

private func playlistSegments(_ text: String) -> [(date: Date, duration: Double)] {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
    var segments: [(Date, Double)] = []
    var date: Date?
    for line in text.split(separator: "\n") {
        if line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") {
            date = formatter.date(from: String(line.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count)))
        } else if line.hasPrefix("#EXTINF:"), let date, let duration = Double(line.dropFirst("#EXTINF:".count).prefix { $0 != "," }) {
            segments.append((date, duration))
        }
    }
    return segments
}
