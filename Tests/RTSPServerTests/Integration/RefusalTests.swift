import Foundation
import Testing
@testable import RTSPServer

@Suite(.serialized) struct RefusalTests {
    @Test func wrongTokenIs401AndNothingIsDelivered() async throws {
        let encode = try await MediaFixtures.h264()
        let authority = TestAuthority()
        try await ServerHarness.withServer(ServerHarness.config(token: "s3cret-token"), authority: authority) { _, port in
            let (status, stderr) = try await ChildProcess.run(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-re", "-i", encode.container.path, "-t", "1", "-c", "copy",
                "-f", "rtsp", "rtsp://someone:s3cret-tokeX@127.0.0.1:\(port)/auth-1",
            ], timeout: .seconds(30))
            #expect(status != 0)
            #expect(stderr.contains("401"), "ffmpeg: \(stderr)")
            #expect(authority.requests.isEmpty)
        }
    }

    @Test func rightTokenPublishesWithDigest() async throws {
        let encode = try await MediaFixtures.h264()
        let authority = TestAuthority()
        try await ServerHarness.withServer(ServerHarness.config(token: "s3cret-token"), authority: authority) { _, port in
            let (status, stderr) = try await ChildProcess.run(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-re", "-i", encode.container.path, "-t", "1", "-c", "copy",
                "-rtsp_transport", "tcp", "-f", "rtsp", "rtsp://anyone:s3cret-token@127.0.0.1:\(port)/auth-2",
            ], timeout: .seconds(30))
            #expect(status == 0, "ffmpeg: \(stderr)")
            let sink = try #require(authority.sink(path: "auth-2"))
            #expect(await eventually { sink.exit == .teardown })
            #expect(sink.units.count >= 25)
        }
    }

    @Test func secondPublisherIsRefusedAndTheFirstCarriesOn() async throws {
        let encode = try await MediaFixtures.h264()
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            // Four plays of the 3 s file: the first must still publish while the second one tries, even
            // when a loaded machine takes seconds to start the second ffmpeg.
            let first = try FFmpegPublishTests.publish(encode.container, port: port, path: "dup-1", transport: "udp",
                                                       inputOptions: ["-stream_loop", "3"])
            #expect(await eventually { (authority.sink(path: "dup-1")?.units.count ?? 0) >= 10 })
            let (status, stderr) = try await ChildProcess.run(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-re", "-i", encode.container.path, "-t", "1", "-c", "copy",
                "-f", "rtsp", "rtsp://127.0.0.1:\(port)/dup-1",
            ], timeout: .seconds(30))
            #expect(status != 0)
            #expect(stderr.contains("409"), "ffmpeg: \(stderr)")
            #expect(await first.wait(timeout: .seconds(60)) == 0, "first ffmpeg: \(first.stderr)")
            let sink = try #require(authority.sink(path: "dup-1"))
            #expect(await eventually { sink.exit == .teardown })
            #expect(sink.units.count == 360)
            #expect(sink.handle.stats.packetsLost == 0)
            #expect(authority.sinks.count == 1)
        }
    }

    @Test func unsupportedVideoCodecIs415AtAnnounce() async throws {
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            let (status, stderr) = try await ChildProcess.run(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "1",
                "-c:v", "mpeg4", "-f", "rtsp", "rtsp://127.0.0.1:\(port)/mpeg4-1",
            ], timeout: .seconds(30))
            #expect(status != 0)
            #expect(stderr.contains("415"), "ffmpeg: \(stderr)")
            #expect(authority.requests.isEmpty)
        }
    }

    @Test func authorityRefusalStatusAndReasonReachThePublisher() async throws {
        let authority = TestAuthority(refusedPaths: ["ended-1": PublishRefusal(status: 404, reason: "session ended-1 has ended")])
        try await ServerHarness.withServer(authority: authority) { _, port in
            let client = try await RawRTSPClient(port: port)
            let sdp = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n"
            try await client.send("ANNOUNCE rtsp://127.0.0.1:\(port)/ended-1 RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: \(sdp.utf8.count)\r\n\r\n\(sdp)")
            let text = await client.responses(atLeast: 1)
            #expect(text.hasPrefix("RTSP/1.0 404 session ended-1 has ended\r\n"))
            #expect(text.contains("CSeq: 1\r\n"))
            #expect(await client.waitClosed())
        }
    }
}
