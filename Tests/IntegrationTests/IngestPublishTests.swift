import Foundation
import StreamdTestSupport
import Testing

/// Issue 11's acceptance: real publishers (ffmpeg, GStreamer) against the real binary's RTSP server.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct IngestPublishTests {
    /// Small grace and wait, so the tests that wait them out stay short.
    static let config = """
        media: {width: 320, height: 240, fps: 15, segment_seconds: 1}
        limits: {max_sessions: 4, min_free_mb: 0}
        ingest: {reconnect_grace_sec: 2, publish_wait_sec: 3}
        log_level: info
        """
    /// A grace long enough for a second ffmpeg to start and announce on a loaded machine.
    static let graceConfig = """
        media: {width: 320, height: 240, fps: 15, segment_seconds: 1}
        limits: {max_sessions: 4, min_free_mb: 0}
        ingest: {reconnect_grace_sec: 10}
        log_level: info
        """
    static let seedConfig = """
        limits: {max_sessions: 4, min_free_mb: 0}
        ingest: {reconnect_grace_sec: 2}
        log_level: info
        """

    /// The seed's edge agent, unchanged: its POST body, its ffmpeg command (`-t` added), its close.
    @Test(arguments: [nil, "tcp"] as [String?])
    func theSeedsEdgeAgentRecordsEndToEnd(transport: String?) async throws {
        try await ServiceDaemon.with(config: Self.seedConfig, environment: ["STREAMD_DEFAULT_SOURCE": "publish"]) { daemon in
            let id = "sess-20261130T121500Z" + (transport.map { "-\($0)" } ?? "")
            let edgeStart = Int(Date().timeIntervalSince1970 * 1000)
            let created = try await daemon.request("POST", "/sessions", json: """
                {"sessionId":"\(id)","deviceId":"cam-local","streamPath":"\(id)","edgeStartTs":\(edgeStart)}
                """)
            #expect(created.status == 201, "\(created.text)")
            let session = try created.object()
            #expect(session["status"] as? String == "starting")
            #expect(session["source"] as? String == "publish")

            let seconds = 4.0
            var command = ["ffmpeg", "-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30",
                           "-t", String(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency"]
            if let transport { command += ["-rtsp_transport", transport] }
            command += ["-f", "rtsp", daemon.rtspURL(id)]
            try await MediaChild.with("seed-publisher", command) { publisher in
                let status = try await publisher.exitStatus(within: .seconds(40))
                #expect(status == 0, "ffmpeg exited \(status):\n\(publisher.tailOfOutput)")
            }
            let closed = try await daemon.close(id, body: #"{"edgeEndTs":\#(Int(Date().timeIntervalSince1970 * 1000))}"#)
            let ended = closed["status"] as? String == "completed" ? closed : try await daemon.waitForEnd(id)
            #expect(ended["status"] as? String == "completed", "\(ended)")
            #expect(ended["device_id"] as? String == "cam-local")
            #expect(ended["video_codec"] as? String == "h264")
            #expect(ended["width"] as? Int == 1280 && ended["height"] as? Int == 720, "\(ended)")

            let playlist = try daemon.endedPlaylist(id)
            #expect(playlist.text.contains("#EXT-X-PROGRAM-DATE-TIME"))
            let video = try #require(try await Probe.streams(playlist.directory.appendingPathComponent("index.m3u8").path).first { $0.type == "video" })
            #expect(video.width == 1280 && video.height == 720 && video.codec == "h264")
            let frames = try await playlist.decodedFrameCount()
            let published = Int(seconds * 30)
            #expect(abs(frames - published) <= playlist.segments.count, "decoded \(frames) frames of \(published) in \(playlist.segments.count) segment(s)")
        }
    }

    /// GStreamer's rtspclientsink on a path with no session: the publish creates it.
    @Test func gstreamerPublishesToAnAutoCreatedSession() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let command = ["gst-launch-1.0", "-e", "videotestsrc", "num-buffers=90", "!",
                           "video/x-raw,width=320,height=240,framerate=30/1", "!",
                           "x264enc", "tune=zerolatency", "key-int-max=30", "speed-preset=veryfast", "!",
                           "rtspclientsink", "location=\(daemon.rtspURL("gst-1?deviceId=edge-gst"))", "protocols=tcp"]
            try await MediaChild.with("gst-publisher", command) { publisher in
                let recording = try await daemon.waitForRecording("gst-1", segments: 1, timeout: .seconds(20))
                #expect(recording["source"] as? String == "publish")
                #expect(recording["device_id"] as? String == "edge-gst")
                #expect(recording["video_codec"] as? String == "h264")
                // rtspclientsink may never reach EOS (PITFALLS): stop it after its 90 buffers were sent, at most.
                _ = await publisher.process.waitForExit(timeout: .seconds(10))
            }
            let ended = try await daemon.waitForEnd("gst-1", timeout: .seconds(60))
            #expect(ended["status"] as? String == "completed", "\(ended)")
            let playlist = try daemon.endedPlaylist("gst-1")
            #expect(try await playlist.decodedFrameCount() > 30)

            // Without the query, the device is the session id.
            try await MediaChild.with("ffmpeg-auto", MediaChild.ffmpegPublish(to: daemon.rtspURL("auto-2"), seconds: 1.5)) { publisher in
                let status = try await publisher.exitStatus(within: .seconds(20))
                #expect(status == 0, "\(publisher.tailOfOutput)")
            }
            let auto = try await daemon.session("auto-2")
            #expect(auto["device_id"] as? String == "auto-2" && auto["source"] as? String == "publish", "\(auto)")
        }
    }

    @Test func hevcAndAACPublishesRecord() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let hevc = MediaChild.ffmpegPublish(to: daemon.rtspURL("hevc-1"), seconds: 3,
                                                video: ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=30:log-level=error"])
            let aac = MediaChild.ffmpegPublish(to: daemon.rtspURL("aac-1"), seconds: 3, audio: true)
            async let hevcStatus = MediaChild.with("ffmpeg-hevc", hevc) { try await $0.exitStatus(within: .seconds(30)) }
            async let aacStatus = MediaChild.with("ffmpeg-aac", aac) { try await $0.exitStatus(within: .seconds(30)) }
            #expect(try await hevcStatus == 0)
            #expect(try await aacStatus == 0)

            for (id, video, audio) in [("hevc-1", "hevc", nil), ("aac-1", "h264", "aac")] as [(String, String, String?)] {
                let ended = try await daemon.waitForEnd(id, timeout: .seconds(60))
                #expect(ended["status"] as? String == "completed", "\(ended)")
                #expect(ended["video_codec"] as? String == video, "\(ended)")
                #expect(ended["audio_codec"] as? String == audio, "\(ended)")
                let playlist = try daemon.endedPlaylist(id)
                #expect(try await playlist.decodedFrameCount() >= 60, "\(id)")
                let streams = try await Probe.streams(playlist.directory.appendingPathComponent(playlist.segments[0]).path)
                #expect(streams.contains { $0.type == "video" && $0.codec == video }, "\(id): \(streams.map(\.codec))")
                if let audio { #expect(streams.contains { $0.type == "audio" && $0.codec == audio }, "\(id): \(streams.map(\.codec))") }
            }
        }
    }

    /// Killed and back within the grace: one session, a discontinuity, one reconnect. Killed for good:
    /// the session ends `completed` once the grace has passed.
    @Test func aPublisherBackWithinTheGraceContinuesTheSession() async throws {
        try await ServiceDaemon.with(config: Self.graceConfig) { daemon in
            let command = MediaChild.ffmpegPublish(to: daemon.rtspURL("grace-1"), seconds: 60)
            try await MediaChild.with("publisher-1", command) { first in
                _ = try await daemon.waitForRecording("grace-1", segments: 2)
                first.send(SIGKILL)
                _ = try await first.exitStatus(within: .seconds(5))
            }
            try await MediaChild.with("publisher-2", command) { second in
                try await Eventually.until("grace-1 to count its reconnect", timeout: .seconds(60)) {
                    try await daemon.session("grace-1")["reconnects"] as? Int == 1
                }
                let before = try await daemon.session("grace-1")["segment_count"] as? Int ?? 0
                _ = try await daemon.waitForRecording("grace-1", segments: before + 2)
                second.send(SIGKILL)
                _ = try await second.exitStatus(within: .seconds(5))
            }
            // During the grace it still records; after it, it has completed.
            #expect(try await daemon.session("grace-1")["status"] as? String == "recording")
            let ended = try await daemon.waitForEnd("grace-1", timeout: .seconds(60))
            #expect(ended["status"] as? String == "completed", "\(ended)")
            #expect(ended["reconnects"] as? Int == 1)
            let playlist = try daemon.endedPlaylist("grace-1")
            #expect(playlist.text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2, "\(playlist.text)")
            #expect(try await playlist.decodedFrameCount() > 60)
            let sessions = try await daemon.request("GET", "/sessions").object()["sessions"] as? [Any]
            #expect(sessions?.count == 1)
        }
    }

    /// A second publisher on the path, hostile bytes on the port, an unsupported codec, a publish to an
    /// ended session: each refused, and the first recording goes on untouched.
    @Test func refusalsLeaveTheFirstRecordingAlone() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            // An ended session's path stays taken.
            try await MediaChild.with("ffmpeg-short", MediaChild.ffmpegPublish(to: daemon.rtspURL("ended-1"), seconds: 1.5)) { publisher in
                let status = try await publisher.exitStatus(within: .seconds(20))
                #expect(status == 0)
            }
            _ = try await daemon.close("ended-1")

            // Long enough that the refused publishers below meet it still publishing, however slowly a
            // loaded machine starts them (a second publisher after it left would be its reconnect).
            let command = MediaChild.ffmpegPublish(to: daemon.rtspURL("first-1"), seconds: 20)
            try await MediaChild.with("publisher-first", command) { first in
                _ = try await daemon.waitForRecording("first-1", segments: 1)

                try await MediaChild.with("publisher-second", command) { second in
                    let status = try await second.exitStatus(within: .seconds(15))
                    #expect(status != 0, "the second publisher was not refused:\n\(second.tailOfOutput)")
                }
                try await MediaChild.with("publisher-mpeg4", MediaChild.ffmpegPublish(to: daemon.rtspURL("mpeg4-1"), seconds: 2, video: ["-c:v", "mpeg4"])) { refused in
                    let status = try await refused.exitStatus(within: .seconds(15))
                    #expect(status != 0)
                    #expect(refused.output.contains("415"), "\(refused.tailOfOutput)")
                }
                try await MediaChild.with("publisher-ended", MediaChild.ffmpegPublish(to: daemon.rtspURL("ended-1"), seconds: 2)) { refused in
                    let status = try await refused.exitStatus(within: .seconds(15))
                #expect(status != 0, "\(refused.tailOfOutput)")
                }
                try await Self.sendHostileBytes(to: daemon.rtspPort)
                #expect(try await daemon.request("GET", "/healthz").status == 200)
                let status = try await first.exitStatus(within: .seconds(60))
                #expect(status == 0, "\(first.tailOfOutput)")
            }
            #expect(try await daemon.request("GET", "/sessions/mpeg4-1").status == 404)
            #expect(try await daemon.session("ended-1")["status"] as? String == "completed")
            let ended = try await daemon.waitForEnd("first-1", timeout: .seconds(60))
            #expect(ended["status"] as? String == "completed" && ended["reconnects"] as? Int == 0, "\(ended)")
            let playlist = try daemon.endedPlaylist("first-1")
            #expect(!playlist.text.contains("#EXT-X-DISCONTINUITY"))
            let frames = try await playlist.decodedFrameCount()
            #expect(abs(frames - 600) <= playlist.segments.count, "decoded \(frames) of 600 frames")
            #expect(daemon.process.isRunning)
        }
    }

    @Test func aPublisherNeedsTheToken() async throws {
        let token = "publish-token-7"
        try await ServiceDaemon.with(config: Self.config, environment: ["STREAMD_API_TOKEN": token]) { daemon in
            for credentials in [nil, "edge:wrong-token"] as [String?] {
                let url = daemon.rtspURL("tok-1", credentials: credentials)
                try await MediaChild.with("publisher-unauthorized", MediaChild.ffmpegPublish(to: url, seconds: 2)) { refused in
                    let status = try await refused.exitStatus(within: .seconds(15))
                #expect(status != 0)
                    #expect(refused.output.contains("401"), "\(refused.tailOfOutput)")
                }
            }
            #expect(try await daemon.request("GET", "/sessions/tok-1", token: token).status == 404)
            #expect(!FileManager.default.fileExists(atPath: daemon.storage.recording("tok-1").path))

            let url = daemon.rtspURL("tok-1", credentials: "edge:\(token)")
            try await MediaChild.with("publisher-authorized", MediaChild.ffmpegPublish(to: url, seconds: 2)) { publisher in
                let status = try await publisher.exitStatus(within: .seconds(20))
                #expect(status == 0, "\(publisher.tailOfOutput)")
            }
            let session = try await daemon.request("GET", "/sessions/tok-1", token: token).object()
            #expect((session["segment_count"] as? Int ?? 0) >= 1, "\(session)")
        }
    }

    @Test func aPublishSessionWithoutPublisherFails() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let created = try await daemon.request("POST", "/sessions", json: #"{"sessionId":"lonely-1","source":"publish"}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(try created.object()["status"] as? String == "starting")
            let ended = try await daemon.waitForEnd("lonely-1", timeout: .seconds(60))
            #expect(ended["status"] as? String == "failed", "\(ended)")
            #expect((ended["error"] as? String ?? "").isEmpty == false, "\(ended)")
            let playlist = try HLSPlaylist(directory: daemon.storage.recording("lonely-1"))
            #expect(playlist.hasEndList, "\(playlist.text)")
        }
    }

    /// The recording holds the publisher's own NAL units, access unit by access unit.
    @Test func thePublishedBitstreamIsRecordedUnchanged() async throws {
        try await ServiceDaemon.with(config: Self.config) { daemon in
            let scratch = try ServiceTestEnvironment.scratchDirectory("streamd-bitstream")
            defer { ServiceTestEnvironment.removeScratch(scratch) }
            let source = scratch.appendingPathComponent("published.ts").path
            let encode = try await ChildProcess.run("/usr/bin/env", [
                "ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "3",
                "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-f", "mpegts", source,
            ], timeout: .seconds(60))
            #expect(encode.status == 0, "\(encode.errors)")
            let command = ["ffmpeg", "-hide_banner", "-nostdin", "-re", "-i", source, "-c", "copy",
                           "-rtsp_transport", "tcp", "-f", "rtsp", daemon.rtspURL("bits-1")]
            try await MediaChild.with("publisher-copy", command) { publisher in
                let status = try await publisher.exitStatus(within: .seconds(20))
                #expect(status == 0, "\(publisher.tailOfOutput)")
            }
            _ = try await daemon.close("bits-1")
            let playlist = try daemon.endedPlaylist("bits-1")
            let published = try await Probe.h264AccessUnits(source)
            let recorded = try await Probe.h264AccessUnits(playlist.directory.appendingPathComponent("index.m3u8").path)
            #expect(published.count == 90)
            #expect(recorded.count == published.count, "recorded \(recorded.count) access units of \(published.count)")
            let firstDifference = zip(published, recorded).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstDifference == nil, "access unit \(firstDifference ?? -1) differs")
        }
    }

    /// Garbage, a request with endless headers and an oversized interleaved frame, each on a
    /// connection of its own.
    static func sendHostileBytes(to port: Int) async throws {
        var random = SystemRandomNumberGenerator()
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        let endless = Array(("ANNOUNCE rtsp://127.0.0.1/x RTSP/1.0\r\nCSeq: 1\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 4000)).utf8)
        let interleaved: [UInt8] = Array("OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\n\r\n".utf8) + [0x24, 0, 0xff, 0xff] + Array(repeating: 0xAB, count: 2048)
        let nulls = Array("SETUP \u{0}\u{0}\u{0} RTSP/9.9\r\n\r\n".utf8)
        for payload in [garbage, endless, interleaved, nulls] {
            try await RawConnection.sendAndClose(port: port, payload)
        }
    }
}
