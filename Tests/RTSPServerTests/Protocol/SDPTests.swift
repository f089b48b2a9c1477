import Testing
@testable import RTSPServer

@Suite struct SDPTests {
    /// What ffmpeg 5.1's RTSP muxer announces for libx264 + aac.
    static let ffmpegSDP = """
        v=0\r
        o=- 0 0 IN IP4 127.0.0.1\r
        s=No Name\r
        c=IN IP4 127.0.0.1\r
        t=0 0\r
        a=tool:libavformat 59.27.100\r
        m=video 0 RTP/AVP 96\r
        b=AS:200\r
        a=rtpmap:96 H264/90000\r
        a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QADazZQUH7ARAAAAMAEAAAAwPA8UKZYA==,aOvjyyLA; profile-level-id=64000D\r
        a=control:streamid=0\r
        m=audio 0 RTP/AVP 97\r
        b=AS:128\r
        a=rtpmap:97 MPEG4-GENERIC/44100/2\r
        a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=121056E500\r
        a=control:streamid=1\r
        m=audio 0 RTP/AVP 8\r
        a=control:streamid=2\r

        """

    @Test func ffmpegAnnounceBecomesTracks() throws {
        let plan = try TrackPlanner.plan(try SessionDescription.parse(Array(Self.ffmpegSDP.utf8)))
        #expect(plan.tracks.count == 2)
        let video = plan.tracks[0].track
        #expect(video.codec == .h264)
        #expect(video.clockRate == 90000)
        #expect(video.controlURL == "streamid=0")
        #expect(video.parameterSets.count == 2)
        #expect(video.parameterSets.first?.first == 0x67)
        #expect(video.parameterSets.last?.first == 0x68)
        let audio = plan.tracks[1]
        #expect(audio.track.codec == .aac)
        #expect(audio.track.index == 1)
        #expect(audio.track.channels == 2)
        #expect(audio.track.sampleRate == 44100)
        #expect(audio.track.audioSpecificConfig == [0x12, 0x10, 0x56, 0xE5, 0x00])
        #expect(audio.aac == AACParameters(sizeLength: 13, indexLength: 3, indexDeltaLength: 3, frameDuration: 1024))
        #expect(plan.ignored.count == 1)
        #expect(plan.ignoredTracks.map(\.track.index) == [TrackPlanner.ignoredIndexBase + 2])
        #expect(plan.ignoredTracks.first?.track.controlURL == "streamid=2")
    }

    @Test func h265ParameterSetsInOrder() throws {
        let sdp = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=fmtp:96 sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwA8lZgJ; sprop-sps=QgEBAWAAAAMAkAAAAwAAAwA8oAoIDxZZZWSStkAAAAMAAAAAAwAAAwHggA==; sprop-pps=RAHBcrRiQA==\r\na=control:stream=0\r\n"
        let plan = try TrackPlanner.plan(try SessionDescription.parse(Array(sdp.utf8)))
        let track = try #require(plan.tracks.first?.track)
        #expect(track.codec == .h265)
        #expect(track.parameterSets.map { ($0[0] >> 1) & 0x3F } == [32, 33, 34])
    }

    @Test func noSupportedVideoIs415() {
        let sdp = "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 MP4V-ES/90000\r\na=control:streamid=0\r\n"
        #expect(throws: RTSPProtocolError.self) { try TrackPlanner.plan(try SessionDescription.parse(Array(sdp.utf8))) }
        do throws(RTSPProtocolError) {
            _ = try TrackPlanner.plan(try SessionDescription.parse(Array(sdp.utf8)))
        } catch {
            #expect(error.status == 415)
            #expect(error.reason.contains("MP4V-ES"))
        }
        let audioOnly = "v=0\r\nm=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/44100/2\r\n"
        #expect(throws: RTSPProtocolError.self) { try TrackPlanner.plan(try SessionDescription.parse(Array(audioOnly.utf8))) }
        #expect(throws: RTSPProtocolError.self) { try SessionDescription.parse(Array("hello".utf8)) }
    }

    @Test func controlURLsOfFFmpegAndGStreamerMatch() {
        let ffmpeg = [TrackFixtures.video(.h264), TrackFixtures.aac()]
        #expect(ControlURLMatcher.track(forSetup: "rtsp://127.0.0.1:8554/sess-1/streamid=1", announceURI: "rtsp://127.0.0.1:8554/sess-1",
                                        tracks: ffmpeg)?.track.index == 1)
        #expect(ControlURLMatcher.track(forSetup: "rtsp://127.0.0.1:8554/sess-1?deviceId=a/streamid=0",
                                        announceURI: "rtsp://127.0.0.1:8554/sess-1?deviceId=a", tracks: ffmpeg)?.track.index == 0)
        var gst = TrackFixtures.video(.h264)
        gst.track.controlURL = "stream=0"
        #expect(ControlURLMatcher.track(forSetup: "rtsp://localhost:8554/gst-1/stream=0", announceURI: "rtsp://localhost:8554/gst-1",
                                        tracks: [gst]) != nil)
        // GStreamer's rtspclientsink puts the control before the ANNOUNCE URL's query.
        #expect(ControlURLMatcher.track(forSetup: "rtsp://localhost:8554/gst-1/stream=0?deviceId=a",
                                        announceURI: "rtsp://localhost:8554/gst-1?deviceId=a", tracks: [gst]) != nil)
        var absolute = TrackFixtures.video(.h264)
        absolute.track.controlURL = "rtsp://10.0.0.1:554/cam/trackID=1"
        #expect(ControlURLMatcher.track(forSetup: "rtsp://127.0.0.1:8554/cam/trackID=1", announceURI: "rtsp://127.0.0.1:8554/cam",
                                        tracks: [absolute]) != nil)
        #expect(ControlURLMatcher.track(forSetup: "rtsp://127.0.0.1:8554/sess-1/streamid=7", announceURI: "rtsp://127.0.0.1:8554/sess-1",
                                        tracks: ffmpeg) == nil)
    }

    @Test func transportHeaders() {
        let udp = TransportSpec.parseList("RTP/AVP/UDP;unicast;client_port=5000-5001;mode=record")
        #expect(udp.first?.lower == .udp)
        #expect(udp.first?.clientPorts?.rtp == 5000)
        #expect(udp.first?.mode == "record")
        let tcp = TransportSpec.parseList("RTP/AVP/TCP;unicast;interleaved=2-3;mode=\"RECORD\"")
        #expect(tcp.first?.interleaved?.rtcp == 3)
        #expect(tcp.first?.mode == "record")
        #expect(TransportSpec.parseList("RTP/AVP;unicast;client_port=70000-70001").first?.clientPorts == nil)
        #expect(TransportSpec.parseList("RAW/RAW/UDP;unicast").isEmpty)
        #expect(TransportSpec.parseList("RTP/AVP;multicast, RTP/AVP/TCP;interleaved=0-1").count == 2)
    }
}
