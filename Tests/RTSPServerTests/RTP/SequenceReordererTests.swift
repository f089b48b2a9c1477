import PropertyBased
import Testing
@testable import RTSPServer

@Suite struct SequenceReordererTests {
    static func packet(_ sequence: UInt16) -> RTPPacket {
        RTPPacket(marker: false, payloadType: 96, sequenceNumber: sequence, timestamp: 0, ssrc: 1, payload: [])
    }

    @Test func releasesInOrderAcrossTheWrapAndCountsLoss() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let start = UInt16.random(in: 0...UInt16.max, using: &random)
            let count = Int.random(in: 2...300, using: &random)
            var sent: [UInt16] = []
            var dropped = 0
            for offset in 0..<count {
                let sequence = start &+ UInt16(offset)
                if offset > 0, offset < count - 1, Int.random(in: 0..<10, using: &random) == 0 { dropped += 1 } else { sent.append(sequence) }
            }
            let arrivals = TrackFixtures.locallyShuffled(sent, distance: 8, random: &random)
            var reorderer = SequenceReorderer(capacity: 32, maxDelay: .seconds(10))
            let now = ContinuousClock.now
            var released = arrivals.flatMap { reorderer.push(Self.packet($0), at: now) }
            released += reorderer.flush()
            #expect(released.map(\.packet.sequenceNumber) == sent)
            #expect(reorderer.lost == dropped)
        }
    }

    @Test func duplicatesAreDropped() {
        var reorderer = SequenceReorderer()
        let now = ContinuousClock.now
        let released = [10, 11, 11, 13, 12, 13].flatMap { reorderer.push(Self.packet(UInt16($0)), at: now) }
        #expect(released.map(\.packet.sequenceNumber) == [10, 11, 12, 13])
        #expect(reorderer.lost == 0)
    }

    @Test func aHoleIsSkippedWhenTheWindowFills() {
        var reorderer = SequenceReorderer(capacity: 4, maxDelay: .seconds(10))
        let now = ContinuousClock.now
        var released = reorderer.push(Self.packet(100), at: now)
        for sequence in 102...106 { released += reorderer.push(Self.packet(UInt16(sequence)), at: now) }
        #expect(released.map(\.packet.sequenceNumber) == [100, 102, 103, 104, 105, 106])
        #expect(released.map(\.afterGap) == [false, true, false, false, false, false])
        #expect(reorderer.lost == 1)
    }

    @Test func aHoleIsSkippedAfterTheDelay() {
        var reorderer = SequenceReorderer(capacity: 32, maxDelay: .milliseconds(50))
        let start = ContinuousClock.now
        _ = reorderer.push(Self.packet(1), at: start)
        #expect(reorderer.push(Self.packet(3), at: start).isEmpty)
        let late = reorderer.push(Self.packet(4), at: start + .milliseconds(60))
        #expect(late.map(\.packet.sequenceNumber) == [3, 4])
    }
}
