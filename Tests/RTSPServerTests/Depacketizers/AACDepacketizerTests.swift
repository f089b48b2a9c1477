import PropertyBased
import Testing
@testable import RTSPServer

@Suite struct AACDepacketizerTests {
    /// RFC 3640 AAC-hbr packets: several frames per packet, or one frame fragmented over several.
    static func packetize(_ frames: [[UInt8]], firstTimestamp: UInt32, mtu: Int, random: inout SplitMix) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var sequence = UInt16.random(in: 0...UInt16.max, using: &random)
        var index = 0
        func packet(_ group: [[UInt8]], sizes: [Int], payloadSlice: [UInt8], timestamp: UInt32, marker: Bool) -> [UInt8] {
            var header: [UInt8] = [UInt8((sizes.count * 16) >> 8), UInt8((sizes.count * 16) & 0xFF)]
            for size in sizes { header += [UInt8(size >> 5), UInt8((size & 0x1F) << 3)] }
            defer { sequence &+= 1 }
            return TestPacketizer.rtpPacket(header + payloadSlice, marker: marker, payloadType: 97, sequence: sequence,
                                            timestamp: timestamp, random: &random)
        }
        while index < frames.count {
            let timestamp = firstTimestamp &+ UInt32(index * 1024)
            if frames[index].count + 4 > mtu {
                var offset = 0
                let frame = frames[index]
                while offset < frame.count {
                    let end = min(frame.count, offset + mtu - 4)
                    packets.append(packet([frame], sizes: [frame.count], payloadSlice: Array(frame[offset..<end]),
                                          timestamp: timestamp, marker: end == frame.count))
                    offset = end
                }
                index += 1
                continue
            }
            var group = [frames[index]]
            var size = 4 + frames[index].count
            while Bool.random(using: &random), index + group.count < frames.count,
                  size + 2 + frames[index + group.count].count <= mtu {
                size += 2 + frames[index + group.count].count
                group.append(frames[index + group.count])
            }
            packets.append(packet(group, sizes: group.map(\.count), payloadSlice: group.flatMap { $0 },
                                  timestamp: timestamp, marker: true))
            index += group.count
        }
        return packets
    }

    @Test func framesRoundTripWithPerFrameTimestamps() async {
        await propertyCheck(count: 150, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let frames = (0..<Int.random(in: 1...60, using: &random)).map { _ in
                random.bytes(in: 1...1500)
            }
            let first = UInt32.random(in: 0...UInt32.max, using: &random)
            let packets = Self.packetize(frames, firstTimestamp: first, mtu: Int.random(in: 200...1400, using: &random),
                                         random: &random)
            let shuffled = TrackFixtures.locallyShuffled(packets, distance: 5, random: &random)
            var receiver = TrackReceiver(track: TrackFixtures.aac(), reorderWindow: 32)
            let now = ContinuousClock.now
            var units = shuffled.flatMap { receiver.receive($0, at: now).units }
            units += receiver.finish().units
            #expect(units.map(\.payload) == frames)
            #expect(units.map(\.timestamp) == frames.indices.map { Int64(first) + Int64($0 * 1024) })
            #expect(units.allSatisfy { $0.trackIndex == 1 && $0.isKeyframe })
        }
    }

    @Test func ffmpegStylePacketWithTwoFrames() {
        // AU-headers-length 32 bits; sizes 3 and 2, index 0 and delta 0.
        let payload: [UInt8] = [0x00, 0x20, 0x00, 0x18, 0x00, 0x10, 1, 2, 3, 4, 5]
        var depacketizer = AACDepacketizer(parameters: AACParameters(sizeLength: 13, indexLength: 3, indexDeltaLength: 3, frameDuration: 1024))
        let packet = RTPPacket(marker: true, payloadType: 97, sequenceNumber: 1, timestamp: 1000, ssrc: 1, payload: payload[...])
        let units = depacketizer.push(packet, timestamp: 1000, afterGap: false, arrival: .now)
        #expect(units.map(\.payload) == [[1, 2, 3], [4, 5]])
        #expect(units.map(\.timestamp) == [1000, 2024])
    }
}
