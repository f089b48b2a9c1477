import PropertyBased
import Testing
@testable import RTSPServer

@Suite struct RTPPacketTests {
    @Test func headerFieldsCSRCExtensionAndPaddingAreSkipped() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let payload = random.bytes(in: 0...300)
            let sequence = UInt16.random(in: 0...UInt16.max, using: &random)
            let timestamp = UInt32.random(in: 0...UInt32.max, using: &random)
            let marker = Bool.random(using: &random)
            let bytes = TestPacketizer.rtpPacket(payload, marker: marker, payloadType: 96, sequence: sequence,
                                                 timestamp: timestamp, random: &random)
            let packet = try? RTPPacket.parse(bytes)
            #expect(packet?.payload.elementsEqual(payload) == true)
            #expect(packet?.sequenceNumber == sequence)
            #expect(packet?.timestamp == timestamp)
            #expect(packet?.marker == marker)
            #expect(packet?.payloadType == 96)
        }
    }

    @Test func randomBytesEitherParseOrFail() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...64)) { bytes in
            if let packet = try? RTPPacket.parse(bytes) {
                #expect(packet.payload.count <= bytes.count - 12)
            }
        }
    }

    @Test func rejectsWrongVersionAndBadPadding() {
        #expect(throws: RTPPacket.ParseError.badVersion) { try RTPPacket.parse([0x40] + Array(repeating: 0, count: 11)) }
        #expect(throws: RTPPacket.ParseError.tooShort) { try RTPPacket.parse([0x80, 0, 0]) }
        #expect(throws: RTPPacket.ParseError.badPadding) { try RTPPacket.parse([0xA0] + Array(repeating: 0, count: 10) + [200]) }
    }

    @Test func timestampUnwrapAcrossWrapAndBackwardSteps() {
        var unwrapper = TimestampUnwrapper()
        #expect(unwrapper.unwrap(UInt32.max - 1000) == Int64(UInt32.max) - 1000)
        #expect(unwrapper.unwrap(2000) == Int64(UInt32.max) + 2001)
        #expect(unwrapper.unwrap(500) == Int64(UInt32.max) + 501)
        #expect(unwrapper.unwrap(UInt32.max - 10) == Int64(UInt32.max) - 10)
    }
}
