import PropertyBased
import Testing
@testable import RTSPServer

@Suite struct VideoDepacketizerTests {
    struct Stream {
        var units: [[[UInt8]]]
        var keyframes: [Bool]
        var packets: [[UInt8]]
        var firstTimestamp: UInt32
    }

    /// Random access units, packetized; timestamps start near the 32-bit wrap to exercise the unwrap.
    static func stream(_ codec: TestPacketizer.Codec, seed: UInt64) -> Stream {
        var random = SplitMix(seed: seed)
        var packetizer = TestPacketizer(codec: codec, mtu: Int.random(in: 40...1400, using: &random), seed: seed)
        let count = Int.random(in: 1...40, using: &random)
        let first = UInt32.max - UInt32.random(in: 0...60000, using: &random)
        var units: [[[UInt8]]] = []
        var keyframes: [Bool] = []
        var packets: [[UInt8]] = []
        for index in 0..<count {
            let keyframe = index % 10 == 0
            let nalCount = Int.random(in: 1...5, using: &random)
            let unit = (0..<nalCount).map { nal in
                codec == .h264
                    ? RandomNAL.h264(&random, keyframe: keyframe && nal == nalCount - 1, maxSize: 2500)
                    : RandomNAL.h265(&random, keyframe: keyframe && nal == nalCount - 1, maxSize: 2500)
            }
            units.append(unit)
            keyframes.append(keyframe || unit.contains { codec == .h264 ? $0[0] & 0x1F == 5 : (16...21).contains(($0[0] >> 1) & 0x3F) })
            packets += packetizer.packetize(unit, timestamp: first &+ UInt32(index * 3000))
        }
        return Stream(units: units, keyframes: keyframes, packets: packets, firstTimestamp: first)
    }

    static func receive(_ packets: [[UInt8]], codec: RTSPCodec) -> (units: [AccessUnit], lost: Int) {
        var receiver = TrackReceiver(track: TrackFixtures.video(codec), reorderWindow: 32)
        let now = ContinuousClock.now
        var units: [AccessUnit] = []
        var lost = 0
        for packet in packets {
            let output = receiver.receive(packet, at: now)
            units += output.units
            lost += output.newlyLost
        }
        let tail = receiver.finish()
        return (units + tail.units, lost + tail.newlyLost)
    }

    @Test(arguments: [TestPacketizer.Codec.h264, .h265])
    func reorderedPacketsReassembleExactly(codec: TestPacketizer.Codec) async {
        await propertyCheck(count: 150, input: Gen.uint64()) { seed in
            let stream = Self.stream(codec, seed: seed)
            var random = SplitMix(seed: seed ^ 0xABCD)
            let shuffled = TrackFixtures.locallyShuffled(stream.packets, distance: 6, random: &random)
            let (units, lost) = Self.receive(shuffled, codec: codec == .h264 ? .h264 : .h265)
            #expect(lost == 0)
            #expect(units.map(\.nalUnits) == stream.units)
            #expect(units.map(\.isKeyframe) == stream.keyframes)
            #expect(units.allSatisfy { !$0.hasLoss })
            #expect(units.enumerated().allSatisfy { index, unit in
                unit.timestamp == Int64(stream.firstTimestamp) + Int64(index * 3000)
            })
        }
    }

    @Test(arguments: [TestPacketizer.Codec.h264, .h265])
    func lostPacketsAreCountedAndFlagged(codec: TestPacketizer.Codec) async {
        await propertyCheck(count: 150, input: Gen.uint64()) { seed in
            let stream = Self.stream(codec, seed: seed)
            guard stream.packets.count > 2 else { return }
            var random = SplitMix(seed: seed ^ 0x1234)
            var kept: [[UInt8]] = []
            var dropped = 0
            for (index, packet) in stream.packets.enumerated() {
                // The last packet stays: a loss at the very end is undetectable by sequence numbers.
                if index > 0, index < stream.packets.count - 1, Int.random(in: 0..<8, using: &random) == 0 {
                    dropped += 1
                } else {
                    kept.append(packet)
                }
            }
            let shuffled = TrackFixtures.locallyShuffled(kept, distance: 4, random: &random)
            let (units, lost) = Self.receive(shuffled, codec: codec == .h264 ? .h264 : .h265)
            #expect(lost == dropped)
            // Every unit not flagged is exactly the one sent with its timestamp.
            for unit in units where !unit.hasLoss {
                let index = Int(unit.timestamp - Int64(stream.firstTimestamp)) / 3000
                #expect(stream.units.indices.contains(index) && stream.units[index] == unit.nalUnits)
            }
            if dropped > 0 { #expect(units.count < stream.units.count || units.contains { $0.hasLoss }) }
        }
    }

    @Test func fragmentWithoutStartIsDroppedAndFlagged() {
        var depacketizer = H264Depacketizer()
        let now = ContinuousClock.now
        // FU-A middle piece (no S bit), then a complete single NAL unit with the marker.
        let middle = RTPPacket(marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 0, ssrc: 1, payload: [0x7C, 0x05, 1, 2, 3])
        let single = RTPPacket(marker: true, payloadType: 96, sequenceNumber: 2, timestamp: 0, ssrc: 1, payload: [0x61, 9, 9])
        _ = depacketizer.push(middle, timestamp: 0, afterGap: true, arrival: now)
        let units = depacketizer.push(single, timestamp: 0, afterGap: false, arrival: now)
        #expect(units.count == 1)
        #expect(units.first?.nalUnits == [[0x61, 9, 9]])
        #expect(units.first?.hasLoss == true)
    }

    @Test func malformedAggregationIsDiscarded() {
        var depacketizer = H265Depacketizer()
        let now = ContinuousClock.now
        let broken = RTPPacket(marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 0, ssrc: 1,
                               payload: [48 << 1, 1, 0x00, 0x50, 1, 2])
        #expect(depacketizer.push(broken, timestamp: 0, afterGap: false, arrival: now).isEmpty)
        #expect(depacketizer.discardedPackets == 1)
    }

    @Test func randomPayloadsNeverCrash() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...200), Gen.bool) { payload, marker in
            let now = ContinuousClock.now
            let packet = RTPPacket(marker: marker, payloadType: 96, sequenceNumber: 7, timestamp: 90, ssrc: 1, payload: payload[...])
            var h264 = H264Depacketizer()
            var h265 = H265Depacketizer(hasDONL: payload.first.map { $0 & 1 == 1 } ?? false)
            var aac = AACDepacketizer(parameters: AACParameters(sizeLength: 13, indexLength: 3, indexDeltaLength: 3, frameDuration: 1024))
            _ = h264.push(packet, timestamp: 90, afterGap: false, arrival: now)
            _ = h265.push(packet, timestamp: 90, afterGap: false, arrival: now)
            _ = aac.push(packet, timestamp: 90, afterGap: false, arrival: now)
            _ = h264.flush()
            _ = h265.flush()
        }
    }
}
