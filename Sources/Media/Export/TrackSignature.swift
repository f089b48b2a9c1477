import LibAV

/// What must stay the same for packets of several pieces to share one MP4 track: the codec, the
/// picture size or audio format, and the parameter sets (compared as NAL units, so the same SPS in
/// an avcC box and in Annex-B counts as equal), plus how samples are framed.
struct TrackSignature: Equatable, CustomStringConvertible {
    var codec: String
    var width: Int32
    var height: Int32
    var sampleRate: Int32
    var channels: Int32
    var parameterSets: [[UInt8]]
    /// Length-prefixed samples (avcC / hvcC extradata, an MP4 source) rather than Annex-B (MPEG-TS).
    var lengthPrefixed: Bool

    init(_ parameters: CodecParameters) {
        codec = parameters.codecID.description
        width = parameters.width
        height = parameters.height
        sampleRate = parameters.sampleRate
        channels = parameters.channelCount
        let extradata = parameters.extradata
        let nalCodec: CopyStreamInfo.Codec? = parameters.codecID == .h264 ? .h264 : parameters.codecID == .hevc ? .hevc : nil
        if let nalCodec {
            lengthPrefixed = extradata.first == 1
            let units = lengthPrefixed ? Self.configurationRecordUnits(extradata, codec: nalCodec) : NALUnits.splitAnnexB(extradata)
            parameterSets = units.filter { unit in
                NALUnits.type(of: unit, codec: nalCodec).map { NALUnits.isParameterSet($0, codec: nalCodec) } ?? false
            }.sorted { $0.lexicographicallyPrecedes($1) }
        } else {
            lengthPrefixed = false
            parameterSets = extradata.isEmpty ? [] : [extradata]
        }
    }

    var description: String {
        width > 0 ? "\(codec) \(width)x\(height)" : sampleRate > 0 ? "\(codec) \(sampleRate) Hz \(channels) ch" : codec
    }

    /// A sentence saying what differs, or nil when `other` fits this track.
    func difference(from other: TrackSignature) -> String? {
        if codec != other.codec { return "the codec changes from \(codec) to \(other.codec)" }
        if width != other.width || height != other.height { return "the picture size changes from \(width)x\(height) to \(other.width)x\(other.height)" }
        if sampleRate != other.sampleRate || channels != other.channels { return "the audio format changes from \(self) to \(other)" }
        if lengthPrefixed != other.lengthPrefixed { return "MPEG-TS and fMP4 recordings are mixed" }
        // An unknown side (no extradata read) is not a difference by itself.
        if !parameterSets.isEmpty, !other.parameterSets.isEmpty, parameterSets != other.parameterSets {
            return "the \(codec) parameter sets (extradata) change"
        }
        return nil
    }

    /// The NAL units of an avcC (H.264) or hvcC (H.265) decoder configuration record.
    static func configurationRecordUnits(_ record: [UInt8], codec: CopyStreamInfo.Codec) -> [[UInt8]] {
        var reader = ByteReader(record)
        var units: [[UInt8]] = []
        if codec == .h264 {
            guard reader.skip(5), let spsCount = reader.byte() else { return [] }
            for _ in 0..<(spsCount & 0x1F) { if let unit = reader.sized() { units.append(unit) } }
            guard let ppsCount = reader.byte() else { return units }
            for _ in 0..<ppsCount { if let unit = reader.sized() { units.append(unit) } }
        } else {
            guard reader.skip(22), let arrays = reader.byte() else { return [] }
            for _ in 0..<arrays {
                guard reader.skip(1), let high = reader.byte(), let low = reader.byte() else { break }
                for _ in 0..<(Int(high) << 8 | Int(low)) { if let unit = reader.sized() { units.append(unit) } }
            }
        }
        return units
    }

    private struct ByteReader {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func skip(_ count: Int) -> Bool {
            guard index + count <= bytes.count else { return false }
            index += count
            return true
        }

        mutating func byte() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        /// A 16-bit length, then that many bytes.
        mutating func sized() -> [UInt8]? {
            guard let high = byte(), let low = byte() else { return nil }
            let length = Int(high) << 8 | Int(low)
            guard index + length <= bytes.count else { return nil }
            defer { index += length }
            return Array(bytes[index..<index + length])
        }
    }
}
