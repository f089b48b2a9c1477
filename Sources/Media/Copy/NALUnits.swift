/// H.264 / H.265 NAL unit helpers: Annex-B framing, and the unit types the containers add.
enum NALUnits {
    static let startCode: [UInt8] = [0, 0, 0, 1]

    /// The NAL unit type of `nal` (its first header byte or two) for `codec`.
    static func type(of nal: [UInt8], codec: CopyStreamInfo.Codec) -> UInt8? {
        guard let first = nal.first else { return nil }
        return codec == .hevc ? (first >> 1) & 0x3F : first & 0x1F
    }

    /// Access unit delimiters and parameter sets: what a muxer may add or repeat on its own.
    static func isContainerAdded(_ type: UInt8, codec: CopyStreamInfo.Codec) -> Bool {
        switch codec {
        case .h264: return type == 9 || type == 7 || type == 8
        case .hevc: return type == 35 || (32...34).contains(type)
        case .aac: return false
        }
    }

    static func isParameterSet(_ type: UInt8, codec: CopyStreamInfo.Codec) -> Bool {
        codec == .hevc ? (32...34).contains(type) : type == 7 || type == 8
    }

    /// `units` each preceded by a 4-byte start code.
    static func annexB(_ units: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.reduce(0) { $0 + $1.count + 4 })
        for unit in units where !unit.isEmpty {
            bytes += startCode
            bytes += unit
        }
        return bytes
    }

    /// Splits an Annex-B byte stream into NAL units (start codes of 3 or 4 bytes removed,
    /// trailing zero bytes of a unit dropped).
    static func splitAnnexB(_ bytes: [UInt8]) -> [[UInt8]] {
        var units: [[UInt8]] = []
        var index = 0
        var start: Int? = nil
        func close(at end: Int) {
            guard let begin = start else { return }
            var last = end
            while last > begin, bytes[last - 1] == 0 { last -= 1 }
            if last > begin { units.append(Array(bytes[begin..<last])) }
        }
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                close(at: index)
                index += 3
                start = index
                continue
            }
            index += 1
        }
        close(at: bytes.count)
        return units
    }

    /// Splits length-prefixed NAL units (avcC / hvcC framing, `lengthSize` bytes each).
    static func splitLengthPrefixed(_ bytes: [UInt8], lengthSize: Int = 4) -> [[UInt8]] {
        var units: [[UInt8]] = []
        var index = 0
        while index + lengthSize <= bytes.count {
            var length = 0
            for byte in bytes[index..<index + lengthSize] { length = length << 8 | Int(byte) }
            index += lengthSize
            guard length > 0, index + length <= bytes.count else { break }
            units.append(Array(bytes[index..<index + length]))
            index += length
        }
        return units
    }

    /// Either framing: Annex-B when the payload starts with a start code.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        let annexB = bytes.starts(with: [0, 0, 1]) || bytes.starts(with: [0, 0, 0, 1])
        return annexB ? splitAnnexB(bytes) : splitLengthPrefixed(bytes)
    }
}
