import Foundation
import LibAV

/// The remux of one export: inputs in order into one mp4 muxer, like FFmpeg's remux.c, with
/// three additions. Each input starts at a keyframe (the one at or before its `startSec`), its
/// media from `endSec` on is left out, and timestamps are made continuous: an input that does not
/// continue the previous one (another session, a gap) is shifted to start where the file ends.
final class MP4Remuxer {
    private struct Track {
        var index: Int32
        var timeBase: Rational
        var signature: TrackSignature
        var lastDts: Int64?
    }

    private let output: OutputFormatContext
    private var video: Track?
    private var audio: Track?
    /// The end of what is written, in microseconds of the output's timeline.
    private var endMicros: Int64 = 0
    /// Output time = input time + offset (microseconds) for the input being read.
    private var offsetMicros: Int64 = 0
    /// The last video frame's length, for packets that state none.
    private var frameMicros: Int64 = 33_333
    private var lastVideoOutputMicros: Int64?
    private var videoPackets = 0
    private var audioPackets = 0

    /// Seconds of media to reserve `moov` space for; nil: `+faststart` (a second pass).
    private let reserveMoovForSeconds: Double?

    init(path: String, reserveMoovForSeconds: Double? = nil) throws {
        output = try OutputFormatContext(formatName: "mp4", path: path)
        self.reserveMoovForSeconds = reserveMoovForSeconds
    }

    /// The mp4 muxer's trailer fails with EINVAL when the reserved space cannot hold `moov`.
    static func isReservedMoovTooSmall(_ error: LibAVError) -> Bool {
        if case let .call(call, code, _, _) = error { return call == "av_write_trailer" && code == .invalidArgument }
        return false
    }

    /// Bytes of `moov` for `seconds` of these streams, generously: per video frame its size, a
    /// timestamp delta, a composition offset, a sync entry and a 64-bit chunk offset (32 bytes);
    /// per AAC frame 16; a quarter more frames than the stated rates, and 16 KiB of boxes.
    static func moovReserve(seconds: Double, video: StreamInfo, audio: StreamInfo?) -> Int {
        let fps = video.averageFrameRate.isValid ? max(1, video.averageFrameRate.doubleValue) : 60
        let audioFrames = audio.map { Double(max(8000, $0.parameters.sampleRate)) / 1024 } ?? 0
        return 16_384 + Int((seconds * 1.25 * (fps * 32 + audioFrames * 16)).rounded(.up))
    }

    func append(_ input: ExportInput) throws {
        if let odd = input.files.first(where: { $0.contains("|") }) { throw ExportError.unsupportedPath(odd) }
        let source = try InputFormatContext(url: input.url, formatName: input.formatName, options: [], source: input.files.last ?? "")
        try source.findStreamInfo()
        let streams = try source.streams()
        guard let inVideo = streams.first(where: { $0.mediaType == .video }) else { return }
        let inAudio = streams.first { $0.mediaType == .audio }
        try prepareTracks(video: inVideo, audio: inAudio)
        let audioIndex = audio != nil ? inAudio?.index : nil

        let micros = Rational.microseconds
        let zero = inVideo.startTime.map { Rational.rescale($0, from: inVideo.timeBase, to: micros) }
        let startMicros = input.startSec.map { Int64(($0 * 1_000_000).rounded()) + 1000 }  // 1 ms of rounding
        let endMicros = input.endSec.map { Int64(($0 * 1_000_000).rounded()) }
        var started = input.continuesPrevious && videoPackets > 0
        var seeking = startMicros != nil
        var pending: [Packet] = []  // a keyframe at or before the start and what follows it

        func emit(_ packet: Packet, isVideo: Bool, timeBase: Rational) throws {
            guard let dts = packet.dts ?? packet.pts else { return packet.unref() }
            let dtsMicros = Rational.rescale(dts, from: timeBase, to: micros)
            if !started {
                // A new timeline starts at a video keyframe, where the file ends so far.
                guard isVideo, packet.isKeyframe else { return packet.unref() }
                offsetMicros = self.endMicros - dtsMicros
                started = true
            } else if isVideo, let last = lastVideoOutputMicros {
                // Timestamps that go back or leap ahead inside one input: continue where the file ends.
                let outputMicros = dtsMicros + offsetMicros
                if outputMicros <= last || outputMicros > self.endMicros + 2_000_000 {
                    offsetMicros = self.endMicros - dtsMicros
                }
            }
            try write(packet, isVideo: isVideo, timeBase: timeBase)
        }

        let packet = try Packet()
        reading: while true {
            switch try source.read(into: packet) {
            case .endOfStream: break reading
            case .again: continue reading
            case .packet: break
            }
            let isVideo = packet.streamIndex == inVideo.index
            guard isVideo || (audioIndex != nil && packet.streamIndex == audioIndex), let inAudioOrVideo = isVideo ? inVideo : inAudio,
                  let time = packet.pts ?? packet.dts
            else {
                packet.unref()
                continue reading
            }
            let timeBase = inAudioOrVideo.timeBase
            let relative = Rational.rescale(time, from: timeBase, to: micros) - (zero ?? 0)
            if let endMicros, relative >= endMicros {
                packet.unref()
                if isVideo { break reading }
                continue reading
            }
            if seeking, let startMicros {
                if isVideo, packet.isKeyframe, relative <= startMicros {
                    pending = [try Self.take(packet)]
                    continue reading
                }
                guard isVideo, relative > startMicros else {
                    if pending.isEmpty { packet.unref() } else { pending.append(try Self.take(packet)) }
                    continue reading
                }
                seeking = false
                for held in pending {
                    try emit(held, isVideo: held.streamIndex == inVideo.index, timeBase: held.streamIndex == inVideo.index ? inVideo.timeBase : timeBaseOf(inAudio))
                }
                pending = []
            }
            try emit(packet, isVideo: isVideo, timeBase: timeBase)
        }
        // The range ended inside the GOP that holds its start.
        for held in pending {
            try emit(held, isVideo: held.streamIndex == inVideo.index, timeBase: held.streamIndex == inVideo.index ? inVideo.timeBase : timeBaseOf(inAudio))
        }
    }

    func finish() throws -> ExportSummary {
        guard videoPackets > 0 else { throw ExportError.noMedia }
        try output.writeTrailer()
        var info = stat()
        let bytes = stat(output.path, &info) == 0 ? Int64(info.st_size) : 0
        return ExportSummary(mediaSeconds: Double(endMicros) / 1_000_000, bytes: bytes, videoPackets: videoPackets, audioPackets: audioPackets)
    }

    private func timeBaseOf(_ stream: StreamInfo?) -> Rational { stream?.timeBase ?? Rational(1, 90_000) }

    /// A new packet holding `packet`'s payload; `packet` is emptied for the next read.
    private static func take(_ packet: Packet) throws -> Packet {
        let held = try Packet()
        try held.reference(packet)
        packet.unref()
        return held
    }

    /// The first input makes the tracks and writes the header; later ones must fit them.
    private func prepareTracks(video inVideo: StreamInfo, audio inAudio: StreamInfo?) throws {
        let videoSignature = TrackSignature(inVideo.parameters)
        let audioSignature = inAudio.map { TrackSignature($0.parameters) }
        if let video {
            if let difference = video.signature.difference(from: videoSignature) {
                throw ExportError.incompatibleSegments(reason: difference)
            }
            if let audio, let audioSignature, let difference = audio.signature.difference(from: audioSignature) {
                throw ExportError.incompatibleSegments(reason: difference)
            }
            return
        }
        let frameRate = inVideo.averageFrameRate.isValid ? inVideo.averageFrameRate : nil
        let videoIndex = try output.addStream(copying: inVideo.parameters, timeBase: inVideo.timeBase, frameRate: frameRate)
        let audioIndex = try inAudio.map { try output.addStream(copying: $0.parameters, timeBase: $0.timeBase) }
        if let seconds = reserveMoovForSeconds {
            try output.writeHeader(options: [("moov_size", String(Self.moovReserve(seconds: seconds, video: inVideo, audio: inAudio)))])
        } else {
            try output.writeHeader(options: [("movflags", "+faststart")])
        }
        video = Track(index: videoIndex, timeBase: try output.timeBase(ofStream: videoIndex), signature: videoSignature)
        if let audioIndex, let audioSignature {
            audio = Track(index: audioIndex, timeBase: try output.timeBase(ofStream: audioIndex), signature: audioSignature)
        }
    }

    /// Into the output's time base, shifted by the input's offset, dts kept strictly increasing.
    private func write(_ packet: Packet, isVideo: Bool, timeBase: Rational) throws {
        guard var track = isVideo ? video : audio else { return packet.unref() }
        let micros = Rational.microseconds
        let offset = Rational.rescale(offsetMicros, from: micros, to: track.timeBase)
        packet.rescaleTimestamps(from: timeBase, to: track.timeBase)
        packet.pts = packet.pts.map { $0 + offset }
        var dts = (packet.dts ?? packet.pts ?? 0) + (packet.dts == nil ? 0 : offset)
        if let last = track.lastDts, dts <= last { dts = last + 1 }
        packet.dts = dts
        if let pts = packet.pts, pts < dts { packet.pts = dts }
        packet.streamIndex = track.index
        let dtsMicros = Rational.rescale(dts, from: track.timeBase, to: micros)
        if isVideo {
            if let last = lastVideoOutputMicros, dtsMicros > last { frameMicros = min(dtsMicros - last, 1_000_000) }
            lastVideoOutputMicros = dtsMicros
            videoPackets += 1
        } else {
            audioPackets += 1
        }
        let length = packet.duration > 0 ? Rational.rescale(packet.duration, from: track.timeBase, to: micros) : (isVideo ? frameMicros : 0)
        endMicros = max(endMicros, dtsMicros + length)
        track.lastDts = dts
        if isVideo { video = track } else { audio = track }
        try output.write(packet)
    }
}
