import Foundation
import Testing
@testable import RTSPServer

/// Hand-driven RTSP: hostile bytes, limits, liveness and kicks.
@Suite struct ConnectionTests {
    static let sdp = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n"

    /// ANNOUNCE, SETUP over TCP interleaved, RECORD.
    /// ANNOUNCE, SETUP (TCP interleaved) and RECORD; `then` goes out in the same write as RECORD, so
    /// no pause of the test itself (a loaded machine) can look like a silent publisher.
    static func startRecording(_ client: RawRTSPClient, port: Int, path: String, then: [UInt8] = []) async throws {
        try await client.send("ANNOUNCE rtsp://127.0.0.1:\(port)/\(path) RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: \(sdp.utf8.count)\r\n\r\n\(sdp)")
        _ = await client.responses(atLeast: 1)
        try await client.send("SETUP rtsp://127.0.0.1:\(port)/\(path)/streamid=0 RTSP/1.0\r\nCSeq: 2\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n\r\n")
        let setup = await client.responses(atLeast: 2)
        let session = setup.components(separatedBy: "Session: ").last?.components(separatedBy: ";").first ?? ""
        try await client.send(Array("RECORD rtsp://127.0.0.1:\(port)/\(path) RTSP/1.0\r\nCSeq: 3\r\nSession: \(session)\r\n\r\n".utf8) + then)
        _ = await client.responses(atLeast: 3)
    }

    static func interleavedPacket(sequence: UInt16, timestamp: UInt32) -> [UInt8] {
        var random = SplitMix(seed: UInt64(sequence))
        let rtp = TestPacketizer.rtpPacket([0x65, 1, 2, 3], marker: true, payloadType: 96, sequence: sequence, timestamp: timestamp, random: &random)
        return [0x24, 0, UInt8(rtp.count >> 8), UInt8(rtp.count & 0xFF)] + rtp
    }

    @Test func hostileBytesCloseThatConnectionOnly() async throws {
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            var random = SplitMix(seed: 42)
            for round in 0..<5 {
                let client = try await RawRTSPClient(port: port)
                try? await client.send(round == 0 ? Array("\u{16}\u{03}\u{01}garbage\r\n\r\n".utf8) : random.bytes(4096))
                #expect(await client.waitClosed(), "round \(round) stayed open")
                if !client.text.isEmpty { #expect(client.text.hasPrefix("RTSP/1.0 400")) }
            }
            let healthy = try await RawRTSPClient(port: port)
            try await healthy.send("OPTIONS rtsp://127.0.0.1:\(port)/x RTSP/1.0\r\nCSeq: 7\r\n\r\n")
            let text = await healthy.responses(atLeast: 1)
            #expect(text.hasPrefix("RTSP/1.0 200 OK\r\nCSeq: 7\r\n"))
            #expect(text.contains("Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN"))
            await healthy.close()
        }
    }

    @Test func unknownAndPlaybackMethods() async throws {
        try await ServerHarness.withServer(authority: TestAuthority()) { _, port in
            let client = try await RawRTSPClient(port: port)
            try await client.send("DESCRIBE rtsp://127.0.0.1:\(port)/x RTSP/1.0\r\nCSeq: 1\r\n\r\nFOO rtsp://127.0.0.1/x RTSP/1.0\r\nCSeq: 2\r\n\r\n")
            let text = await client.responses(atLeast: 2)
            #expect(text.contains("RTSP/1.0 405"))
            #expect(text.contains("RTSP/1.0 501"))
            await client.close()
        }
    }

    @Test func silentConnectionIsClosedBeforeAnnounce() async throws {
        var config = ServerHarness.config()
        config.handshakeTimeoutSeconds = 0.5
        try await ServerHarness.withServer(config, authority: TestAuthority()) { _, port in
            let client = try await RawRTSPClient(port: port)
            #expect(await client.waitClosed(timeout: .seconds(5)))
        }
    }

    @Test func silentPublisherTimesOut() async throws {
        var config = ServerHarness.config()
        config.idleTimeoutSeconds = 8
        let authority = TestAuthority()
        try await ServerHarness.withServer(config, authority: authority) { _, port in
            let client = try await RawRTSPClient(port: port)
            let packets = (0..<3).flatMap { Self.interleavedPacket(sequence: UInt16($0), timestamp: UInt32($0 * 3000)) }
            try await Self.startRecording(client, port: port, path: "quiet-1", then: packets)
            let sink = try #require(authority.sink(path: "quiet-1"))
            #expect(await eventually(timeout: .seconds(10)) { sink.exit != nil })
            #expect(sink.exit == .timedOut)
            #expect(sink.units.count >= 2)
            #expect(await client.waitClosed())
        }
    }

    @Test func daemonCanDisconnectAPublisher() async throws {
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            let client = try await RawRTSPClient(port: port)
            try await Self.startRecording(client, port: port, path: "kick-1")
            let sink = try #require(authority.sink(path: "kick-1"))
            sink.handle.disconnect()
            #expect(await eventually { sink.exit != nil })
            #expect(sink.exit == .disconnectedByServer)
            #expect(await client.waitClosed())
        }
    }

    @Test func connectionCapClosesNewConnectionsAtOnce() async throws {
        let counter = ConnectionCounter(limit: 1)
        try await ServerHarness.withServer(authority: TestAuthority(), counter: counter) { _, port in
            let first = try await RawRTSPClient(port: port)
            #expect(await eventually { counter.current == 1 })
            let second = try await RawRTSPClient(port: port)
            #expect(await second.waitClosed(timeout: .seconds(5)))
            try await first.send("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")
            #expect(await first.responses(atLeast: 1).hasPrefix("RTSP/1.0 200"))
            await first.close()
            #expect(await eventually { counter.current == 0 })
        }
    }

    @Test func basicAuthOnARawConnection() async throws {
        let authority = TestAuthority()
        try await ServerHarness.withServer(ServerHarness.config(token: "tok"), authority: authority) { _, port in
            let client = try await RawRTSPClient(port: port)
            try await client.send("ANNOUNCE rtsp://127.0.0.1:\(port)/basic-1 RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 0\r\n\r\n")
            let challenge = await client.responses(atLeast: 1)
            #expect(challenge.hasPrefix("RTSP/1.0 401"))
            #expect(challenge.contains("WWW-Authenticate: Basic realm=\"streamd\""))
            #expect(challenge.contains("WWW-Authenticate: Digest realm=\"streamd\", nonce=\""))
            let credentials = Data("x:tok".utf8).base64EncodedString()
            try await client.send("ANNOUNCE rtsp://127.0.0.1:\(port)/basic-1 RTSP/1.0\r\nCSeq: 2\r\nAuthorization: Basic \(credentials)\r\nContent-Type: application/sdp\r\nContent-Length: \(Self.sdp.utf8.count)\r\n\r\n\(Self.sdp)")
            #expect(await client.responses(atLeast: 2).contains("RTSP/1.0 200 OK\r\nCSeq: 2"))
            #expect(authority.requests.count == 1)
            await client.close()
        }
    }
}
