import Foundation
import StreamdTestSupport
import Testing

/// Issue 12's acceptance: real sources started by the tests (ffmpeg `-listen 1`, GStreamer's RTSP
/// server), pulled by the real binary.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct IngestPullTests {
    static let config = """
        media: {width: 320, height: 240, fps: 15, segment_seconds: 1}
        limits: {max_sessions: 4, min_free_mb: 0}
        log_level: info
        """

    /// ffmpeg serving one HTTP client a live MPEG-TS test pattern (`codec` mjpeg for a camera that
    /// needs transcoding).
    static func httpSource(port: Int, path: String = "live.ts", video: [String] = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "30"],
                           format: String = "mpegts") -> [String] {
        ["ffmpeg", "-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"] + video
            + ["-f", format, "-listen", "1", "http://127.0.0.1:\(port)/\(path)"]
    }

    /// POSTs until the source answers (a source started a moment ago may not listen yet); each refusal
    /// must be the contract's 422 `source_unreachable`.
    static func startPull(_ daemon: ServiceDaemon, _ body: String, token: String? = nil) async throws -> [String: Any] {
        try await Eventually.value("the pull to open its source", timeout: .seconds(30), interval: .milliseconds(300)) {
            let response = if let token {
                try await daemon.request("POST", "/sessions", json: body, token: token)
            } else {
                try await daemon.request("POST", "/sessions", json: body)
            }
            if response.status == 201 { return try response.object() }
            guard response.status == 422 else { throw ServiceTestFailure("POST answered \(response.status): \(response.text)") }
            return nil
        }
    }

    @Test func anMPEGTSOverHTTPSourceIsCopied() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let port = try FreePort.next()
            try await MediaChild.with("http-source", Self.httpSource(port: port)) { _ in
                let url = "http://127.0.0.1:\(port)/live.ts"
                let created = try await Self.startPull(daemon, #"{"sessionId":"pull-http","source":"pull","url":"\#(url)"}"#)
                #expect(created["source"] as? String == "pull", "\(created)")
                #expect(created["source_url"] as? String == url, "\(created)")
                #expect(created["video_codec"] as? String == "h264", "\(created)")
                #expect(created["transcoded"] as? Bool == false, "\(created)")
                #expect(created["audio_codec"] is NSNull, "\(created)")
                #expect(created["device_id"] as? String == "127.0.0.1", "\(created)")
                _ = try await daemon.waitForRecording("pull-http", segments: 2)
            }
            let closed = try await daemon.close("pull-http")
            #expect(closed["status"] as? String == "completed", "\(closed)")
            let playlist = try daemon.endedPlaylist("pull-http")
            #expect(try await playlist.decodedFrameCount() >= 45)
        }
    }

    @Test func aGStreamerRTSPServerIsPulled() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let port = try FreePort.next()
            try await GStreamerRTSPSource.with(port: port) { _ in
                let created = try await Self.startPull(daemon, #"{"sessionId":"pull-rtsp","deviceId":"ipcam-1","source":"rtsp://127.0.0.1:\#(port)/cam"}"#)
                #expect(created["source"] as? String == "pull" && created["device_id"] as? String == "ipcam-1", "\(created)")
                #expect(created["video_codec"] as? String == "h264", "\(created)")
                _ = try await daemon.waitForRecording("pull-rtsp", segments: 2)
                let closed = try await daemon.close("pull-rtsp")
                #expect(closed["status"] as? String == "completed", "\(closed)")
            }
            let playlist = try daemon.endedPlaylist("pull-rtsp")
            let video = try #require(try await Probe.streams(playlist.directory.appendingPathComponent("index.m3u8").path).first { $0.type == "video" })
            #expect(video.codec == "h264" && video.width == 320 && video.height == 240)
            #expect(try await playlist.decodedFrameCount() >= 45)
        }
    }

    /// The password of an authenticated camera appears in none of the daemon's outputs.
    @Test func aSourcePasswordAppearsNowhere() async throws {
        let token = "pull-token-5"
        let password = "Pw-s3cret-Zq9"
        try await ServiceDaemon.with(config: Self.config, environment: ["STREAMD_API_TOKEN": token]) { daemon in
            let port = try FreePort.next()
            try await GStreamerRTSPSource.with(port: port, user: "viewer", password: password) { _ in
                // A wrong password first: refused, and the refusal does not echo what was sent.
                let wrong = try await daemon.request("POST", "/sessions", json: #"{"source":"rtsp://viewer:\#(password)-no@127.0.0.1:\#(port)/cam"}"#, token: token)
                #expect(wrong.status == 422 && !wrong.text.contains(password), "\(wrong.status) \(wrong.text)")

                let url = "rtsp://viewer:\(password)@127.0.0.1:\(port)/cam"
                let created = try await Self.startPull(daemon, #"{"sessionId":"secret-1","source":"\#(url)"}"#, token: token)
                #expect(created["source_url"] as? String == "rtsp://viewer:***@127.0.0.1:\(port)/cam", "\(created)")
                _ = try await Eventually.value("secret-1 to record", timeout: .seconds(30)) {
                    let session = try await daemon.request("GET", "/sessions/secret-1", token: token).object()
                    return (session["segment_count"] as? Int ?? 0) >= 2 ? session : nil
                }
                var outputs: [(String, String)] = []
                for path in ["/sessions/secret-1", "/sessions", "/metrics", "/", "/secret-1/index.m3u8"] {
                    let response = try await daemon.request("GET", path, token: token)
                    #expect(response.status == 200, "\(path) → \(response.status)")
                    outputs.append((path, response.text))
                }
                let closed = try await daemon.request("POST", "/sessions/secret-1/close", json: "{}", token: token)
                outputs.append(("close", closed.text))
                outputs.append(("stdout", daemon.standardOutput))
                outputs.append(("stderr", daemon.standardError))
                let recording = daemon.storage.recording("secret-1")
                for file in try FileManager.default.contentsOfDirectory(atPath: recording.path) where file.hasSuffix(".m3u8") || file.hasSuffix(".json") {
                    outputs.append((file, try String(contentsOf: recording.appendingPathComponent(file), encoding: .utf8)))
                }
                for (name, text) in outputs {
                    #expect(!text.contains(password), "the password appears in \(name)")
                    #expect(!text.contains(password.lowercased()), "the password appears in \(name)")
                }
            }
        }
    }

    /// The source dies for about three seconds and comes back: one session, a discontinuity, a reconnect.
    @Test func aLostSourceIsReopened() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let port = try FreePort.next()
            let url = "http://127.0.0.1:\(port)/live.ts"
            try await MediaChild.with("http-source-1", Self.httpSource(port: port)) { source in
                _ = try await Self.startPull(daemon, #"{"sessionId":"lossy-1","source":"\#(url)"}"#)
                _ = try await daemon.waitForRecording("lossy-1", segments: 2)
                source.send(SIGKILL)
                _ = try await source.exitStatus(within: .seconds(5))
            }
            // The outage itself is the scenario, not a wait for a condition.
            try await Task.sleep(for: .seconds(3))
            #expect(try await daemon.session("lossy-1")["status"] as? String == "recording")
            try await MediaChild.with("http-source-2", Self.httpSource(port: port)) { _ in
                try await Eventually.until("lossy-1 to reconnect", timeout: .seconds(30), interval: .milliseconds(250)) {
                    (try await daemon.session("lossy-1")["reconnects"] as? Int ?? 0) >= 1
                }
                let before = try await daemon.session("lossy-1")["segment_count"] as? Int ?? 0
                _ = try await daemon.waitForRecording("lossy-1", segments: before + 2)
                _ = try await daemon.close("lossy-1")
            }
            let ended = try await daemon.waitForEnd("lossy-1")
            #expect(ended["status"] as? String == "completed" && (ended["reconnects"] as? Int ?? 0) >= 1, "\(ended)")
            let playlist = try daemon.endedPlaylist("lossy-1")
            #expect(playlist.text.contains("#EXT-X-DISCONTINUITY"), "\(playlist.text)")
            #expect(try await playlist.decodedFrameCount() >= 90)
            let sessions = try await daemon.request("GET", "/sessions").object()["sessions"] as? [Any]
            #expect(sessions?.count == 1)
        }
    }

    @Test func anUnreachableSourceIsRefusedWithinTheLimit() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            // Nothing listens: refused at once.
            let closedPort = try FreePort.next()
            let refused = try await daemon.request("POST", "/sessions", json: #"{"source":"rtsp://127.0.0.1:\#(closedPort)/none"}"#)
            #expect(refused.status == 422, "\(refused.text)")
            let error = try #require(try refused.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "source_unreachable", "\(error)")
            #expect((error["message"] as? String ?? "").isEmpty == false)

            // A listener that accepts and never answers: refused within 10 s and a margin.
            let silent = try SilentListener()
            let started = ContinuousClock.now
            let hung = try await daemon.request("POST", "/sessions", json: #"{"source":"rtsp://127.0.0.1:\#(silent.port)/mute"}"#)
            let elapsed = ContinuousClock.now - started
            #expect(hung.status == 422, "\(hung.text)")
            #expect((try hung.object()["error"] as? [String: Any])?["code"] as? String == "source_unreachable", "\(hung.text)")
            #expect(elapsed < .seconds(13), "answered after \(elapsed)")
            let sessions = try await daemon.request("GET", "/sessions").object()["sessions"] as? [Any]
            #expect(sessions?.isEmpty == true)
            #expect(try await daemon.request("GET", "/healthz").status == 200)
        }
    }

    @Test func anMJPEGSourceIsTranscoded() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let port = try FreePort.next()
            let source = Self.httpSource(port: port, path: "cam.mjpg", video: ["-r", "15", "-c:v", "mjpeg", "-q:v", "5"], format: "mpjpeg")
            try await MediaChild.with("mjpeg-source", source) { _ in
                let created = try await Self.startPull(daemon, #"{"sessionId":"mjpeg-1","source":"http://127.0.0.1:\#(port)/cam.mjpg"}"#)
                #expect(created["transcoded"] as? Bool == true, "\(created)")
                #expect(created["video_codec"] as? String == "h264", "\(created)")
                _ = try await daemon.waitForRecording("mjpeg-1", segments: 2)
                _ = try await daemon.close("mjpeg-1")
            }
            let ended = try await daemon.waitForEnd("mjpeg-1")
            #expect(ended["status"] as? String == "completed" && ended["transcoded"] as? Bool == true, "\(ended)")
            let playlist = try daemon.endedPlaylist("mjpeg-1")
            let streams = try await Probe.streams(playlist.directory.appendingPathComponent(playlist.segments[0]).path)
            #expect(streams.first { $0.type == "video" }?.codec == "h264", "\(streams.map(\.codec))")
            #expect(try await playlist.decodedFrameCount() >= 15)
        }
    }
}

/// A TCP listener that never accepts: the kernel completes the handshake, nothing ever answers.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServiceTestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw ServiceTestFailure("cannot listen: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { Glibc.close(fd) }
}
