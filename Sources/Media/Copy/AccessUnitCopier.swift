import Foundation
import LibAV
import Logging

/// Turns queued access units into packets for the segmenter, on the recording's thread: Annex-B
/// framing, parameter sets in-band before keyframes that lack them, a synthesised DTS.
final class AccessUnitCopier {
    private let streams: [CopyStreamInfo]
    private let segmenter: CopySegmenter
    private let logger: Logger
    private let videoIndex: Int
    private let audioIndex: Int?
    private let videoInput: CopyInputStream
    private let audioInput: CopyInputStream?
    /// The newest parameter sets seen (from the SDP, then in-band).
    private var parameterSets: [[UInt8]]
    private var timestamps: DecodeTimestamps
    private var heldBack: [(unit: CopyAccessUnit, packet: Packet)] = []
    private var runStarted = false
    private var discontinuityPending = false

    init(streams: [CopyStreamInfo], segmenter: CopySegmenter, logger: Logger) throws {
        guard let videoIndex = streams.firstIndex(where: { $0.codec.isVideo }) else {
            throw MediaError.invalidSpec(reason: "a stream-copy recording needs an H.264 or H.265 video stream")
        }
        let video = streams[videoIndex]
        self.streams = streams
        self.segmenter = segmenter
        self.logger = logger
        self.videoIndex = videoIndex
        let audioIndex = streams.firstIndex { $0.codec == .aac }
        self.audioIndex = audioIndex
        parameterSets = video.parameterSets
        videoInput = try Self.input(for: video)
        audioInput = try audioIndex.map { try Self.input(for: streams[$0]) }
        timestamps = Self.decodeTimestamps(for: video)
    }

    /// Handles one item; returns `.reachedDuration` once the recording has all its media.
    func handle(_ item: AccessUnitQueue.Item) throws -> PipelineOutcome? {
        switch item {
        case .discontinuity:
            try flushHeldBack()
            discontinuityPending = runStarted
            runStarted = false
            timestamps = Self.decodeTimestamps(for: streams[videoIndex])
            return nil
        case .unit(let unit):
            return try copy(unit)
        }
    }

    /// Writes what the DTS synthesis still holds (the recording is ending).
    func finish() throws {
        try flushHeldBack()
    }

    private func copy(_ unit: CopyAccessUnit) throws -> PipelineOutcome? {
        if !runStarted {
            try segmenter.beginRun(video: videoInput, audio: audioInput, discontinuity: discontinuityPending)
            if discontinuityPending { segmenter.noteReconnect() }
            runStarted = true
            discontinuityPending = false
        }
        if unit.streamIndex == videoIndex {
            let packet = try videoPacket(unit)
            guard let (held, dts) = timestamps.next(pts: unit.timestamp) else {
                heldBack.append((unit, packet))
                return nil
            }
            for (entry, heldDTS) in zip(heldBack, held) {
                entry.packet.dts = heldDTS
                if let end = try segmenter.write(entry.packet, isVideo: true) { return end }
            }
            heldBack.removeAll()
            packet.dts = dts
            return try segmenter.write(packet, isVideo: true)
        }
        if unit.streamIndex == audioIndex {
            let packet = try Packet(payload: unit.payload)
            packet.pts = unit.timestamp
            packet.dts = unit.timestamp
            packet.isKeyframe = true
            return try segmenter.write(packet, isVideo: false)
        }
        return nil
    }

    private func flushHeldBack() throws {
        let held = timestamps.flushHeld()
        for (entry, dts) in zip(heldBack, held) {
            entry.packet.dts = dts
            if try segmenter.write(entry.packet, isVideo: true) != nil { break }
        }
        heldBack.removeAll()
    }

    private func videoPacket(_ unit: CopyAccessUnit) throws -> Packet {
        let codec = streams[videoIndex].codec
        var units = unit.nalUnits
        let inBand = units.filter { NALUnits.type(of: $0, codec: codec).map { NALUnits.isParameterSet($0, codec: codec) } == true }
        if !inBand.isEmpty {
            parameterSets = inBand
        } else if unit.isKeyframe {
            // Each segment must decode on its own: parameter sets go in-band at every keyframe.
            units = parameterSets + units
        }
        let packet = try Packet(payload: NALUnits.annexB(units))
        packet.pts = unit.timestamp
        packet.isKeyframe = unit.isKeyframe
        return packet
    }

    private static func decodeTimestamps(for video: CopyStreamInfo) -> DecodeTimestamps {
        DecodeTimestamps(depth: 4, fallbackFrameTicks: Int64(video.clockRate) / 30)
    }

    private static func input(for stream: CopyStreamInfo) throws -> CopyInputStream {
        let parameters = try CodecParameters()
        switch stream.codec {
        case .h264, .hevc:
            parameters.mediaType = .video
            parameters.codecID = stream.codec == .h264 ? .h264 : .hevc
            try parameters.setExtradata(NALUnits.annexB(stream.parameterSets))
        case .aac:
            parameters.mediaType = .audio
            parameters.codecID = .aac
            parameters.sampleRate = stream.sampleRate
            parameters.setChannelCount(max(1, stream.channels))
            try parameters.setExtradata(stream.audioSpecificConfig)
        }
        return CopyInputStream(parameters: parameters, timeBase: Rational(1, stream.clockRate), frameRate: nil)
    }
}
