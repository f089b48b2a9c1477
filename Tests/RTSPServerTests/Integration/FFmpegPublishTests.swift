import Foundation
import Testing
@testable import RTSPServer

/// The real ffmpeg CLI publishes to the server; what the sink gets is compared with ffmpeg's own
/// elementary-stream output of the same encode.
@Suite(.serialized) struct FFmpegPublishTests {
    static func publish(_ file: URL, port: Int, path: String, transport: String?, extra: [String] = [],
                        inputOptions: [String] = []) throws -> ChildProcess {
        var arguments = ["-hide_banner", "-loglevel", "error", "-re"] + inputOptions + ["-i", file.path, "-c", "copy"] + extra
        if let transport { arguments += ["-rtsp_transport", transport] }
        arguments += ["-f", "rtsp", "rtsp://127.0.0.1:\(port)/\(path)"]
        return try ChildProcess(MediaFixtures.ffmpeg, arguments)
    }

    /// Publishes, waits for the end, checks the exit and the sink's goodbye.
    static func publishAndCollect(_ file: URL, path: String, transport: String?) async throws -> RecordingSink {
        let authority = TestAuthority()
        return try await ServerHarness.withServer(authority: authority) { server, port in
            let publisher = try publish(file, port: port, path: path, transport: transport)
            let status = await publisher.wait(timeout: .seconds(60))
            #expect(status == 0, "ffmpeg: \(publisher.stderr)")
            let sink = try #require(authority.sink(path: path))
            #expect(await eventually(timeout: .seconds(10)) { sink.exit != nil })
            #expect(sink.exit == .teardown)
            #expect(sink.receivedAfterExit == 0)
            return sink
        }
    }

    static func checkVideo(_ units: [AccessUnit], reference: URL, h265: Bool) throws {
        #expect(units.count == 90)
        let sorted = units.map(\.timestamp).sorted()
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $1 - $0 == 3000 })
        let keyframes = units.filter(\.isKeyframe).map(\.timestamp).sorted()
        #expect(keyframes.count == 3)
        #expect(zip(keyframes, keyframes.dropFirst()).allSatisfy { $1 - $0 == 90000 })
        #expect(units.first?.isKeyframe == true)
        #expect(units.allSatisfy { !$0.hasLoss })
        let expected = Bitstreams.withoutContainerNALs(Bitstreams.annexBNALUnits(Array(try Data(contentsOf: reference))), h265: h265)
        let received = Bitstreams.withoutContainerNALs(units.flatMap(\.nalUnits), h265: h265)
        #expect(received.count == expected.count)
        #expect(received == expected, "NAL units differ from ffmpeg's own elementary stream")
    }

    @Test(arguments: ["udp", "tcp"])
    func h264CopyEqualsTheEncode(transport: String) async throws {
        let encode = try await MediaFixtures.h264()
        let sink = try await Self.publishAndCollect(encode.container, path: "test-1", transport: transport)
        #expect(sink.request.tracks.map(\.codec) == [.h264])
        #expect(sink.request.tracks.first?.parameterSets.count == 2)
        try Self.checkVideo(sink.units(track: 0), reference: encode.videoElementary, h265: false)
        let stats = sink.handle.stats
        #expect(stats.packetsLost == 0)
        #expect(stats.accessUnits == 90)
        #expect(stats.packetsReceived > 90)
        #expect(stats.bytesReceived > 10000)
    }

    @Test func h265CopyEqualsTheEncode() async throws {
        let encode = try await MediaFixtures.h265()
        let sink = try await Self.publishAndCollect(encode.container, path: "hevc-1", transport: "udp")
        #expect(sink.request.tracks.map(\.codec) == [.h265])
        #expect(sink.request.tracks.first?.parameterSets.map(Bitstreams.h265Type) == [32, 33, 34])
        try Self.checkVideo(sink.units(track: 0), reference: encode.videoElementary, h265: true)
    }

    @Test func h264WithAACDeliversBothTracks() async throws {
        let encode = try await MediaFixtures.h264AAC()
        let sink = try await Self.publishAndCollect(encode.container, path: "av-1", transport: "tcp")
        #expect(sink.request.tracks.map(\.codec) == [.h264, .aac])
        let audioTrack = try #require(sink.request.tracks.last)
        #expect(audioTrack.clockRate == 44100)
        #expect(audioTrack.audioSpecificConfig?.isEmpty == false)
        try Self.checkVideo(sink.units(track: 0), reference: encode.videoElementary, h265: false)
        let audio = sink.units(track: 1)
        let expected = Bitstreams.adtsFrames(Array(try Data(contentsOf: try #require(encode.audioADTS))))
        // ffmpeg's RTP AAC packetizer holds frames back to aggregate them and drops the held ones at
        // the end of the stream (its trailer does not flush): the tail may be short by a packet.
        #expect(audio.count <= expected.count && audio.count >= expected.count - 8, "audio \(audio.count) of \(expected.count)")
        #expect(audio.map(\.payload) == Array(expected.prefix(audio.count)))
        #expect(zip(audio, audio.dropFirst()).allSatisfy { $1.timestamp - $0.timestamp == 1024 })
    }

    @Test func liveEncodeOverUDP() async throws {
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            let publisher = try ChildProcess(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "3",
                "-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p", "-f", "rtsp", "rtsp://127.0.0.1:\(port)/live-1?deviceId=cam%20a",
            ])
            #expect(await publisher.wait(timeout: .seconds(60)) == 0, "ffmpeg: \(publisher.stderr)")
            let sink = try #require(authority.sink(path: "live-1"))
            #expect(sink.request.query["deviceId"] == "cam a")
            #expect(await eventually { sink.exit == .teardown })
            let units = sink.units(track: 0)
            #expect((88...90).contains(units.count))
            let sorted = units.map(\.timestamp).sorted()
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $1 - $0 == 3000 })
            #expect(units.filter(\.isKeyframe).count == 3)
        }
    }

    @Test func unsupportedAudioIsSetUpAndDropped() async throws {
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            let publisher = try ChildProcess(MediaFixtures.ffmpeg, [
                "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", "1",
                "-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "pcm_alaw",
                "-f", "rtsp", "rtsp://127.0.0.1:\(port)/alaw-1",
            ])
            #expect(await publisher.wait(timeout: .seconds(60)) == 0, "ffmpeg: \(publisher.stderr)")
            let sink = try #require(authority.sink(path: "alaw-1"))
            #expect(sink.request.tracks.map(\.codec) == [.h264])
            #expect(await eventually { sink.exit == .teardown })
            #expect(sink.units.count >= 28)
            #expect(sink.units.allSatisfy { $0.trackIndex == 0 })
        }
    }

    @Test(arguments: ["udp", "tcp"])
    func killedPublisherIsConnectionLost(transport: String) async throws {
        let encode = try await MediaFixtures.h264()
        let authority = TestAuthority()
        try await ServerHarness.withServer(authority: authority) { _, port in
            let publisher = try Self.publish(encode.container, port: port, path: "killed-\(transport)", transport: transport)
            #expect(await eventually { (authority.sink(path: "killed-\(transport)")?.units.count ?? 0) >= 10 })
            kill(publisher.process.processIdentifier, SIGKILL)
            let sink = try #require(authority.sink(path: "killed-\(transport)"))
            #expect(await eventually { sink.exit != nil })
            #expect(sink.exit == .connectionLost)
            #expect(sink.receivedAfterExit == 0)
        }
    }
}
