import Foundation
import LibAV

/// Opens a file or playlist with libavformat and decodes its video; used by tests and by
/// `PlaylistRecovery`.
public enum MediaProbe {
    /// Probes `url`. With `decodeFrames` false every packet is read but none decoded (a cheap
    /// integrity scan): `framesDecoded` stays 0 and `mediaSeconds` comes from packet timestamps.
    public static func probe(_ url: URL, decodeFrames: Bool = true) throws -> MediaProbeReport {
        let input = try InputFormatContext(url: url.path, formatName: nil, options: [], source: url.path)
        try input.findStreamInfo()
        let stream = try input.videoStream()
        let index = stream.index
        let parameters = stream.parameters
        let decoder = try CodecContext.decoder(for: parameters)
        decoder.packetTimeBase = stream.timeBase
        // Report damage instead of concealing it.
        decoder.reportDamageAsErrors()
        try decoder.open()

        var report = MediaProbeReport(
            formatName: input.formatName,
            codecName: parameters.codecID.description,
            pixelFormat: parameters.pixelFormat.description,
            width: Int(parameters.width), height: Int(parameters.height),
            durationSeconds: input.durationSeconds,
            firstVideoPacketIsKeyframe: false, videoPackets: 0, corruptPackets: 0,
            framesDecoded: 0, decodeErrors: 0, mediaSeconds: 0)

        var timing = FrameTiming(timeBase: stream.timeBase, frameRate: stream.averageFrameRate)
        var packetTiming = timing
        let packet = try Packet()
        let frame = try Frame()
        func receiveFrames() throws {
            while true {
                let step: CodecStep
                do {
                    step = try decoder.receive(frame: frame)
                } catch {
                    report.decodeErrors += 1
                    return
                }
                guard step == .done else { return }
                report.framesDecoded += 1
                if frame.isDamaged { report.decodeErrors += 1 }
                timing.add(timestamp: frame.timestamp, duration: frame.packetDuration)
                frame.unref()
            }
        }
        reading: while true {
            switch try input.read(into: packet) {
            case .endOfStream: break reading
            case .again: continue reading
            case .packet: break
            }
            defer { packet.unref() }
            guard packet.streamIndex == index else { continue }
            if report.videoPackets == 0 { report.firstVideoPacketIsKeyframe = packet.isKeyframe }
            report.videoPackets += 1
            if packet.isCorrupt { report.corruptPackets += 1 }
            guard decodeFrames else {
                packetTiming.add(timestamp: packet.pts, duration: packet.duration)
                continue reading
            }
            do {
                _ = try decoder.send(packet: packet)
            } catch {
                report.decodeErrors += 1
            }
            try receiveFrames()
        }
        if decodeFrames {
            _ = try decoder.send(packet: nil)
            try receiveFrames()
        }
        report.mediaSeconds = decodeFrames ? timing.seconds : packetTiming.seconds
        return report
    }

    /// Probes an fMP4 media segment together with its init segment, which alone it cannot be
    /// decoded without; an MPEG-TS segment is probed as is.
    public static func probe(segment: URL, initSegment: URL?, decodeFrames: Bool = true) throws -> MediaProbeReport {
        guard let initSegment else { return try probe(segment, decodeFrames: decodeFrames) }
        let joined = FileManager.default.temporaryDirectory
            .appendingPathComponent("streamd-probe-\(UUID().uuidString).mp4")
        defer { unlink(joined.path) }
        do {
            var data = try Data(contentsOf: initSegment)
            data.append(try Data(contentsOf: segment))
            try data.write(to: joined)
        } catch {
            throw MediaError.fileSystem(operation: "read", path: segment.path, errno: EIO, message: error.localizedDescription)
        }
        return try probe(joined, decodeFrames: decodeFrames)
    }
}
