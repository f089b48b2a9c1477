import LibAV

/// AAC framing between containers: MPEG-TS sources carry ADTS frames and often no
/// AudioSpecificConfig, while MP4 wants raw frames and the config in its header.
enum AACConfig {
    private static let sampleRates: [Int32] = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]

    /// A two-byte AudioSpecificConfig from the stream's profile, rate and channel count.
    static func audioSpecificConfig(for parameters: CodecParameters) -> [UInt8] {
        let objectType = UInt8(parameters.profile >= 0 ? parameters.profile + 1 : 2)
        let rateIndex = UInt8(sampleRates.firstIndex(of: parameters.sampleRate) ?? 3)
        let channels = UInt8(max(1, min(7, parameters.channelCount)))
        return [(objectType << 3) | (rateIndex >> 1), ((rateIndex & 1) << 7) | (channels << 3)]
    }

    /// The length of the ADTS header `bytes` start with, nil when they do not.
    static func adtsHeaderLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count > 7, bytes[0] == 0xFF, bytes[1] & 0xF6 == 0xF0 else { return nil }
        // protection_absent = 0 adds a 16-bit CRC.
        return bytes[1] & 0x01 == 0 ? 9 : 7
    }

    /// `packet` itself when it holds a raw frame, else a new packet with the ADTS header removed
    /// and the same timing.
    static func withoutADTSHeader(_ packet: Packet) throws -> Packet {
        guard let header = packet.withPayload(adtsHeaderLength) else { return packet }
        let raw = try Packet(payload: Array(packet.payload.dropFirst(header)))
        raw.pts = packet.pts
        raw.dts = packet.dts
        raw.duration = packet.duration
        raw.isKeyframe = true
        return raw
    }
}
