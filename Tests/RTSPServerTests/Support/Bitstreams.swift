/// Parsers for the reference side of the bitstream comparisons.
enum Bitstreams {
    /// NAL units of an Annex B stream, without start codes or trailing zero bytes.
    static func annexBNALUnits(_ bytes: [UInt8]) -> [[UInt8]] {
        var starts: [(codeStart: Int, nalStart: Int)] = []
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                starts.append((index, index + 3))
                index += 3
            } else {
                index += 1
            }
        }
        return starts.enumerated().map { position, start in
            var end = position + 1 < starts.count ? starts[position + 1].codeStart : bytes.count
            while end > start.nalStart, bytes[end - 1] == 0 { end -= 1 }
            return Array(bytes[start.nalStart..<end])
        }
    }

    /// Raw AAC frames of an ADTS stream.
    static func adtsFrames(_ bytes: [UInt8]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var offset = 0
        while offset + 7 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] & 0xF0 == 0xF0 {
            let headerLength = bytes[offset + 1] & 0x01 == 1 ? 7 : 9
            let frameLength = Int(bytes[offset + 3] & 0x03) << 11 | Int(bytes[offset + 4]) << 3 | Int(bytes[offset + 5]) >> 5
            guard frameLength >= headerLength, offset + frameLength <= bytes.count else { break }
            frames.append(Array(bytes[(offset + headerLength)..<(offset + frameLength)]))
            offset += frameLength
        }
        return frames
    }

    static func h264Type(_ nal: [UInt8]) -> UInt8 { (nal.first ?? 0) & 0x1F }
    static func h265Type(_ nal: [UInt8]) -> UInt8 { ((nal.first ?? 0) >> 1) & 0x3F }

    /// What a container adds or repeats: access unit delimiters and parameter sets, and for H.265
    /// the prefix SEI that hevc_mp4toannexb copies from the hvcC after the parameter sets at
    /// every keyframe (x265's info SEI lives in the extradata, not in the samples).
    static func withoutContainerNALs(_ nals: [[UInt8]], h265: Bool) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var previousWasParameterSet = false
        for nal in nals {
            let type = h265 ? h265Type(nal) : h264Type(nal)
            let isParameterSet = h265 ? (32...34).contains(type) : (7...8).contains(type)
            let isDelimiter = h265 ? type == 35 : type == 9
            let isExtradataSEI = h265 && type == 39 && previousWasParameterSet
            if !isParameterSet && !isDelimiter && !isExtradataSEI { out.append(nal) }
            if !isDelimiter { previousWasParameterSet = isParameterSet || (isExtradataSEI && previousWasParameterSet) }
        }
        return out
    }
}
