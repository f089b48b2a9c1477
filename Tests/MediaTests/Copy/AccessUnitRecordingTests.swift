import Foundation
import LibAV
import StreamdTestSupport
import Testing
@testable import Media

@Suite("Stream copy of access units (the RTSP publish path)")
struct AccessUnitRecordingTests {
    @Test("access units split from a file are recorded with identical NAL units",
          arguments: [(CopyStreamInfo.Codec.h264, SegmentFormat.mpegts), (.hevc, .mpegts), (.h264, .fmp4)])
    func identicalNALUnits(codec: CopyStreamInfo.Codec, format: SegmentFormat) async throws {
        let temp = try TemporaryDirectory()
        let source = try (codec == .h264 ? CopyTestStream.h264AAC : CopyTestStream.hevc).make(in: temp.url)
        let (streams, units) = try accessUnits(of: source, codec: codec)
        let spec = copySpec(temp.url, id: "au-\(codec)-\(format)", format: format)
        let initSegment = format == .fmp4 ? spec.directory.appendingPathComponent("init.mp4") : nil
        let recording = AccessUnitRecording(spec: spec, streams: streams, logger: TestLog.logger, queueCapacity: units.count + 10)
        recording.start()
        for unit in units { #expect(recording.feed(unit)) }
        recording.stop()
        let events = await collect(recording.events, timeout: 60)

        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        #expect(recording.droppedUnits == 0)
        #expect(stats.stream?.width == 320 && stats.stream?.height == 240)
        #expect(abs((stats.stream?.fps ?? 0) - 30) < 0.01)
        #expect(stats.segmentCount == 3)
        #expect(playlistText(spec.directory)?.hasSuffix("#EXT-X-ENDLIST\n") == true)
        for name in listedSegments(spec.directory) {
            let report = try MediaProbe.probe(segment: spec.directory.appendingPathComponent(name), initSegment: initSegment)
            #expect(report.decodesCleanly, "\(name): \(report)")
            #expect(report.firstVideoPacketIsKeyframe)
        }
        let recorded = try videoNALUnits(spec.directory.appendingPathComponent("index.m3u8"), codec: codec)
        let sent = try videoNALUnits(source, codec: codec)
        #expect(recorded.count == sent.count)
        #expect(recorded == sent, "the recorded NAL units differ from the published ones")
        #expect(abs(stats.mediaDurationSec - 6.0) < 0.05)
        if codec == .h264 {
            #expect(try ffprobeCodecs(spec.directory.appendingPathComponent("index.m3u8")) == ["h264", "aac"])
        }
    }

    @Test("markDiscontinuity: the returning publisher's segment is marked and counted")
    func discontinuity() async throws {
        let temp = try TemporaryDirectory()
        let source = try CopyTestStream.h264.make(in: temp.url, seconds: 4)
        let (streams, units) = try accessUnits(of: source, codec: .h264)
        let spec = copySpec(temp.url, id: "au-discont")
        let recording = AccessUnitRecording(spec: spec, streams: streams, logger: TestLog.logger, queueCapacity: 2 * units.count + 10)
        recording.start()
        for unit in units { recording.feed(unit) }
        recording.markDiscontinuity()
        // The publisher's clock restarts somewhere else entirely.
        for var unit in units {
            unit.timestamp += 123_456_789
            recording.feed(unit)
        }
        recording.stop()
        let events = await collect(recording.events, timeout: 60)
        let (outcome, stats) = try #require(events.finished)
        #expect(outcome == .stopped)
        #expect(stats.reconnects == 1)
        let text = try #require(playlistText(spec.directory))
        #expect(text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count - 1 == 1)
        let whole = try MediaProbe.probe(spec.directory.appendingPathComponent("index.m3u8"))
        #expect(whole.decodeErrors == 0)
        #expect(whole.framesDecoded == 240)
    }

    @Test("synthesised DTS never exceeds PTS and strictly increases for a B-frame pattern")
    func decodeTimestamps() {
        // Decoding order of an x265-like GOP: I0 P4 B2 b1 b3 P8 B6 b5 b7 …
        var ptsOrder: [Int64] = [0]
        for gop in 0..<10 { let base = Int64(gop * 4); ptsOrder += [base + 4, base + 2, base + 1, base + 3] }
        var synth = DecodeTimestamps(depth: 4, fallbackFrameTicks: 1)
        var dts: [Int64] = []
        var held: [Int64] = []
        for pts in ptsOrder {
            if let (earlier, value) = synth.next(pts: pts) {
                dts += earlier + [value]
            } else {
                held.append(pts)
            }
        }
        #expect(dts.count == ptsOrder.count)
        for (index, value) in dts.enumerated() {
            #expect(value <= ptsOrder[index], "DTS \(value) > PTS \(ptsOrder[index]) at \(index)")
            if index > 0 { #expect(value > dts[index - 1]) }
        }
    }
}

/// The streams and access units a publisher of `source` would send: parameter sets only in the
/// stream description (as ffmpeg's RTSP muxer sends them, in the SDP), AUDs removed, timestamps
/// on a 90 kHz clock (video) or the sample rate (audio).
func accessUnits(of source: URL, codec: CopyStreamInfo.Codec) throws -> ([CopyStreamInfo], [CopyAccessUnit]) {
    let input = try InputFormatContext(url: source.path, formatName: nil, options: [])
    try input.findStreamInfo()
    let video = try input.videoStream()
    let audio: StreamInfo? = try input.streams().first { $0.mediaType == .audio }
    let packet = try Packet()
    var units: [CopyAccessUnit] = []
    var parameterSets: [[UInt8]] = []
    while try input.read(into: packet) != .endOfStream {
        defer { packet.unref() }
        let pts = packet.pts ?? packet.dts ?? 0
        if packet.streamIndex == video.index {
            let nals = NALUnits.split(packet.payload)
            let sets = nals.filter { NALUnits.type(of: $0, codec: codec).map { NALUnits.isParameterSet($0, codec: codec) } == true }
            if parameterSets.isEmpty { parameterSets = sets }
            let rest = nals.filter { NALUnits.type(of: $0, codec: codec).map { !NALUnits.isContainerAdded($0, codec: codec) } == true }
            units.append(CopyAccessUnit(streamIndex: 0, timestamp: Rational.rescale(pts, from: video.timeBase, to: Rational(1, 90000)),
                                        isKeyframe: packet.isKeyframe, nalUnits: rest))
        } else if let audio, packet.streamIndex == audio.index {
            // The TS demuxer hands out ADTS frames; RTP (RFC 3640) carries them without the header.
            var payload = packet.payload
            if payload.count > 7, payload[0] == 0xFF, payload[1] & 0xF0 == 0xF0 {
                payload.removeFirst(payload[1] & 0x01 == 0 ? 9 : 7)
            }
            let rate = audio.parameters.sampleRate
            units.append(CopyAccessUnit(streamIndex: 1, timestamp: Rational.rescale(pts, from: audio.timeBase, to: Rational(1, rate)),
                                        isKeyframe: true, payload: payload))
        }
    }
    if parameterSets.isEmpty { parameterSets = avcCParameterSets(video.parameters.extradata) }
    var streams = [CopyStreamInfo(codec: codec, parameterSets: parameterSets, clockRate: 90000)]
    if let audio {
        streams.append(.aac(config: aacConfig(audio.parameters), sampleRate: audio.parameters.sampleRate,
                            channels: audio.parameters.channelCount))
    }
    return (streams, units)
}

/// An AudioSpecificConfig for AAC-LC at the stream's rate and channel count (what an SDP's
/// `config=` carries); the TS demuxer's extradata may be empty.
private func aacConfig(_ parameters: CodecParameters) -> [UInt8] {
    if !parameters.extradata.isEmpty { return parameters.extradata }
    let rates: [Int32] = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
    let index = UInt8(rates.firstIndex(of: parameters.sampleRate) ?? 3)
    let channels = UInt8(parameters.channelCount)
    return [(2 << 3) | (index >> 1), ((index & 1) << 7) | (channels << 3)]
}

/// SPS and PPS from an MP4 `avcC` box (an MP4 source has no parameter sets in its packets).
private func avcCParameterSets(_ avcC: [UInt8]) -> [[UInt8]] {
    guard avcC.count > 6, avcC[0] == 1 else { return [] }
    var sets: [[UInt8]] = []
    var index = 5
    for countMask in [UInt8(0x1F), 0xFF] {
        guard index < avcC.count else { break }
        let count = Int(avcC[index] & countMask)
        index += 1
        for _ in 0..<count where index + 2 <= avcC.count {
            let length = Int(avcC[index]) << 8 | Int(avcC[index + 1])
            index += 2
            guard index + length <= avcC.count else { return sets }
            sets.append(Array(avcC[index..<index + length]))
            index += length
        }
    }
    return sets
}
