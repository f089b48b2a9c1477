@testable import RTSPServer

/// A small RTP packetizer for the round-trip tests: random choices between single NAL,
/// aggregation and fragmentation, random CSRC / extension / padding on the RTP header.
struct TestPacketizer {
    enum Codec { case h264, h265 }

    let codec: Codec
    let mtu: Int
    var sequence: UInt16
    var random: SplitMix

    init(codec: Codec, mtu: Int, seed: UInt64) {
        self.codec = codec
        self.mtu = mtu
        random = SplitMix(seed: seed)
        sequence = UInt16.random(in: 0...UInt16.max, using: &random)
    }

    /// The RTP packets of one access unit; the last carries the marker bit.
    mutating func packetize(_ nalUnits: [[UInt8]], timestamp: UInt32) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var index = 0
        while index < nalUnits.count {
            let nal = nalUnits[index]
            if nal.count + 2 > mtu {
                payloads += fragments(nal)
                index += 1
                continue
            }
            // Aggregate as many following small NAL units as fit, when the dice say so.
            var group = [nal]
            var size = 3 + nal.count
            while Bool.random(using: &random), index + group.count < nalUnits.count,
                  size + 2 + nalUnits[index + group.count].count <= mtu {
                size += 2 + nalUnits[index + group.count].count
                group.append(nalUnits[index + group.count])
            }
            payloads.append(group.count == 1 && Bool.random(using: &random) ? nal : aggregate(group))
            index += group.count
        }
        return payloads.enumerated().map { offset, payload in
            rtp(payload, marker: offset == payloads.count - 1, timestamp: timestamp)
        }
    }

    private func aggregate(_ group: [[UInt8]]) -> [UInt8] {
        var out: [UInt8]
        switch codec {
        case .h264:
            let nri = group.map { $0[0] & 0x60 }.max() ?? 0
            out = [nri | 24]
        case .h265:
            out = [48 << 1, 1]
        }
        for nal in group {
            out += [UInt8(nal.count >> 8), UInt8(nal.count & 0xFF)] + nal
        }
        return out
    }

    private mutating func fragments(_ nal: [UInt8]) -> [[UInt8]] {
        let headerSize = codec == .h264 ? 1 : 2
        let body = Array(nal.dropFirst(headerSize))
        let chunk = max(1, Int.random(in: (mtu / 2)...(mtu - 3), using: &random))
        var out: [[UInt8]] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + chunk)
            let start = offset == 0
            let last = end == body.count
            let flags: UInt8 = (start ? 0x80 : 0) | (last ? 0x40 : 0)
            switch codec {
            case .h264:
                out.append([(nal[0] & 0xE0) | 28, flags | (nal[0] & 0x1F)] + body[offset..<end])
            case .h265:
                let type = (nal[0] >> 1) & 0x3F
                out.append([(nal[0] & 0x81) | (49 << 1), nal[1], flags | type] + body[offset..<end])
            }
            offset = end
        }
        return out
    }

    private mutating func rtp(_ payload: [UInt8], marker: Bool, timestamp: UInt32) -> [UInt8] {
        defer { sequence &+= 1 }
        return Self.rtpPacket(payload, marker: marker, payloadType: 96, sequence: sequence, timestamp: timestamp,
                              random: &random)
    }

    /// An RTP packet with optionally random CSRCs, header extension and padding.
    static func rtpPacket(_ payload: [UInt8], marker: Bool, payloadType: UInt8, sequence: UInt16, timestamp: UInt32,
                          random: inout SplitMix) -> [UInt8] {
        let csrcCount = Int.random(in: 0...2, using: &random)
        let hasExtension = Bool.random(using: &random)
        let padding = Bool.random(using: &random) ? Int.random(in: 1...8, using: &random) : 0
        var out: [UInt8] = [0x80 | (padding > 0 ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | UInt8(csrcCount),
                            (marker ? 0x80 : 0) | payloadType,
                            UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        out += withUnsafeBytes(of: timestamp.bigEndian, Array.init)
        out += [0x12, 0x34, 0x56, 0x78]
        for _ in 0..<csrcCount { out += random.bytes(4) }
        if hasExtension {
            let words = Int.random(in: 0...2, using: &random)
            out += [0xBE, 0xDE, 0, UInt8(words)] + random.bytes(words * 4)
        }
        out += payload
        if padding > 0 { out += Array(repeating: 0, count: padding - 1) + [UInt8(padding)] }
        return out
    }
}

/// Random NAL units: a valid header for the codec, a random body.
enum RandomNAL {
    static func h264(_ random: inout SplitMix, keyframe: Bool, maxSize: Int) -> [UInt8] {
        let type: UInt8 = keyframe ? 5 : [1, 1, 1, 6, 7, 8, 9].randomElement(using: &random) ?? 1
        let nri = UInt8.random(in: 0...3, using: &random) << 5
        return [nri | type] + random.bytes(in: 1...maxSize)
    }

    static func h265(_ random: inout SplitMix, keyframe: Bool, maxSize: Int) -> [UInt8] {
        let type: UInt8 = keyframe ? [19, 20, 21].randomElement(using: &random) ?? 19
            : [0, 1, 1, 32, 33, 34, 35, 39].randomElement(using: &random) ?? 1
        return [type << 1, 1] + random.bytes(in: 1...maxSize)
    }
}
