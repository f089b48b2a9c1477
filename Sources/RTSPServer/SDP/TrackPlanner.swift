/// Applies the codec policy to an SDP: H.264/H.265 video and AAC audio are kept; other audio is
/// dropped (and named, for the log); no usable video at all is a 415.
enum TrackPlanner {
    struct Plan: Sendable {
        /// Delivered tracks, indexed 0, 1, … in SDP order.
        var tracks: [AnnouncedTrack]
        /// Announced tracks we accept at SETUP and drop (index 1000 + SDP position): refusing their
        /// SETUP would make ffmpeg abandon the whole publish.
        var ignoredTracks: [AnnouncedTrack] = []
        /// "audio PCMA/8000", … — for the log.
        var ignored: [String] = []
    }

    /// Indexes of ignored tracks start here, far from the delivered ones.
    static let ignoredIndexBase = 1000

    static func plan(_ description: SessionDescription) throws(RTSPProtocolError) -> Plan {
        var tracks: [AnnouncedTrack] = []
        var ignoredTracks: [AnnouncedTrack] = []
        var ignored: [String] = []
        var rejectedVideo: [String] = []
        func ignore(_ media: SessionDescription.Media, position: Int, control: String, why: String) {
            ignored.append(why)
            ignoredTracks.append(AnnouncedTrack(
                track: PublishTrack(index: ignoredIndexBase + position, codec: .other(codec(of: media).description),
                                    clockRate: media.clockRate ?? 90000, controlURL: control),
                payloadType: media.payloadType))
        }
        for (position, media) in description.media.enumerated() {
            let codec = codec(of: media)
            let control = media.control ?? "trackID=\(position)"
            let index = tracks.count
            switch (media.kind, codec) {
            case ("video", .h264):
                tracks.append(AnnouncedTrack(
                    track: PublishTrack(index: index, codec: .h264, clockRate: media.clockRate ?? 90000,
                                        parameterSets: h264ParameterSets(media.formatParameters), controlURL: control),
                    payloadType: media.payloadType))
            case ("video", .h265):
                let donl = Int(media.formatParameters["sprop-max-don-diff"] ?? "0") ?? 0
                tracks.append(AnnouncedTrack(
                    track: PublishTrack(index: index, codec: .h265, clockRate: media.clockRate ?? 90000,
                                        parameterSets: h265ParameterSets(media.formatParameters), controlURL: control),
                    payloadType: media.payloadType, h265HasDONL: donl > 0))
            case ("audio", .aac):
                guard let parameters = aacParameters(media.formatParameters), let clockRate = media.clockRate else {
                    ignore(media, position: position, control: control, why: "audio \(codec) (not AAC-hbr)")
                    continue
                }
                let config = media.formatParameters["config"].flatMap(hexBytes)
                tracks.append(AnnouncedTrack(
                    track: PublishTrack(index: index, codec: .aac, clockRate: clockRate,
                                        audioSpecificConfig: config, channels: media.channels ?? 1, controlURL: control),
                    payloadType: media.payloadType, aac: parameters))
            case ("video", _):
                rejectedVideo.append(codec.description)
                ignore(media, position: position, control: control, why: "video \(codec)")
            default:
                ignore(media, position: position, control: control, why: "\(media.kind) \(codec)")
            }
        }
        guard tracks.contains(where: { $0.track.codec.isVideo }) else {
            let what = rejectedVideo.isEmpty ? "no video track" : "video codec \(rejectedVideo.joined(separator: ", "))"
            throw RTSPProtocolError(status: 415, reason: "Unsupported Media Type: \(what); only H.264 and H.265 are recorded")
        }
        return Plan(tracks: tracks, ignoredTracks: ignoredTracks, ignored: ignored)
    }

    static func codec(of media: SessionDescription.Media) -> RTSPCodec {
        switch media.encodingName {
        case "H264": return .h264
        case "H265", "HEVC": return .h265
        case "MPEG4-GENERIC":
            let mode = media.formatParameters["mode"]?.lowercased()
            return mode == nil || mode == "aac-hbr" ? .aac : .other("MPEG4-GENERIC/\(mode ?? "")")
        case let name?: return .other(name)
        case nil: return .other("payload type \(media.payloadType)")
        }
    }

    static func h264ParameterSets(_ fmtp: [String: String]) -> [[UInt8]] {
        guard let sets = fmtp["sprop-parameter-sets"] else { return [] }
        return sets.split(separator: ",").compactMap { Base64.decode($0.trimmingCharacters(in: " ")) }.filter { !$0.isEmpty }
    }

    static func h265ParameterSets(_ fmtp: [String: String]) -> [[UInt8]] {
        ["sprop-vps", "sprop-sps", "sprop-pps"].flatMap { key -> [[UInt8]] in
            guard let value = fmtp[key] else { return [] }
            return value.split(separator: ",").compactMap { Base64.decode($0.trimmingCharacters(in: " ")) }.filter { !$0.isEmpty }
        }
    }

    /// Only AAC-hbr's layout is supported: 13-bit sizes, 3-bit indices (what ffmpeg and GStreamer send).
    static func aacParameters(_ fmtp: [String: String]) -> AACParameters? {
        let sizeLength = Int(fmtp["sizelength"] ?? "") ?? 13
        let indexLength = Int(fmtp["indexlength"] ?? "") ?? 3
        let indexDeltaLength = Int(fmtp["indexdeltalength"] ?? "") ?? 3
        guard (1...16).contains(sizeLength), (0...8).contains(indexLength), (0...8).contains(indexDeltaLength) else {
            return nil
        }
        let duration = Int(fmtp["constantduration"] ?? "") ?? 1024
        return AACParameters(sizeLength: sizeLength, indexLength: indexLength, indexDeltaLength: indexDeltaLength,
                             frameDuration: duration > 0 ? duration : 1024)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, digits.count <= 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let value = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
