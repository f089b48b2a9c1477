/// One RTP packet (RFC 3550 §5.1); the payload is what is left after CSRCs, extension and padding.
struct RTPPacket: Sendable, Equatable {
    var marker: Bool
    var payloadType: UInt8
    var sequenceNumber: UInt16
    var timestamp: UInt32
    var ssrc: UInt32
    var payload: ArraySlice<UInt8>

    enum ParseError: Error, Equatable {
        case tooShort, badVersion, badPadding, badExtension
    }

    static func parse(_ bytes: [UInt8]) throws(ParseError) -> RTPPacket {
        guard bytes.count >= 12 else { throw .tooShort }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw .badVersion }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        var offset = 12 + csrcCount * 4
        guard bytes.count >= offset else { throw .tooShort }
        if hasExtension {
            guard bytes.count >= offset + 4 else { throw .badExtension }
            let words = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            offset += 4 + words * 4
            guard bytes.count >= offset else { throw .badExtension }
        }
        var end = bytes.count
        if hasPadding {
            let padding = Int(bytes[bytes.count - 1])
            guard padding >= 1, end - padding >= offset else { throw .badPadding }
            end -= padding
        }
        return RTPPacket(
            marker: bytes[1] & 0x80 != 0,
            payloadType: bytes[1] & 0x7F,
            sequenceNumber: UInt16(bytes[2]) << 8 | UInt16(bytes[3]),
            timestamp: UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7]),
            ssrc: UInt32(bytes[8]) << 24 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 8 | UInt32(bytes[11]),
            payload: bytes[offset..<end])
    }

    /// RTCP shares the RTP port when multiplexed (RFC 5761): payload types 64–95 with the marker are RTCP.
    static func looksLikeRTCP(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && (200...206).contains(bytes[1])
    }
}
