/// RFC 6184 non-interleaved mode: single NAL unit packets, STAP-A (24) and FU-A (28).
struct H264Depacketizer: Depacketizer {
    private var assembler = VideoUnitAssembler(nalType: { $0 & 0x1F }, isKeyframeNAL: { $0 == 5 })
    private var fragment: [UInt8]?
    private var fragmentTimestamp: Int64 = 0
    private(set) var discardedPackets = 0

    mutating func push(_ packet: RTPPacket, timestamp: Int64, afterGap: Bool, arrival: ContinuousClock.Instant) -> [AccessUnit] {
        var out: [AccessUnit] = []
        if afterGap {
            fragment = nil
            assembler.noteLoss(acrossPackets: true)
        }
        if fragment != nil, timestamp != fragmentTimestamp {
            // The unit moved on before the fragmented NAL unit ended: its end was lost.
            fragment = nil
            assembler.noteLoss()
        }
        out += assembler.begin(timestamp: timestamp, arrival: arrival)
        let payload = packet.payload
        guard let header = payload.first else {
            discardedPackets += 1
            return out
        }
        switch header & 0x1F {
        case 1...23:
            assembler.append(Array(payload))
        case 24:
            if let units = AggregationReader.units(payload.dropFirst(), donlBytes: 0) {
                units.forEach { assembler.append($0) }
            } else {
                discard()
            }
        case 28:
            fragmentTimestamp = timestamp
            pushFragment(payload)
        default:
            // STAP-B, MTAP and FU-B belong to interleaved mode, which publishers do not use.
            discard()
        }
        if packet.marker { out += assembler.finish() }
        return out
    }

    mutating func flush() -> [AccessUnit] {
        fragment = nil
        return assembler.finish()
    }

    private mutating func pushFragment(_ payload: ArraySlice<UInt8>) {
        guard payload.count >= 2 else { return discard() }
        let indicator = payload[payload.startIndex]
        let fuHeader = payload[payload.startIndex + 1]
        let body = payload.dropFirst(2)
        let isStart = fuHeader & 0x80 != 0
        let isEnd = fuHeader & 0x40 != 0
        if isStart {
            if fragment != nil { assembler.noteLoss() }
            fragment = [(indicator & 0xE0) | (fuHeader & 0x1F)] + body
        } else if fragment != nil {
            fragment?.append(contentsOf: body)
        } else {
            // The start of this NAL unit was lost: nothing to attach the piece to.
            assembler.noteLoss()
            discardedPackets += 1
            return
        }
        if let nal = fragment, nal.count > VideoUnitAssembler.maxUnitBytes {
            fragment = nil
            assembler.noteLoss()
        } else if isEnd, let nal = fragment {
            assembler.append(nal)
            fragment = nil
        }
    }

    private mutating func discard() {
        discardedPackets += 1
        assembler.noteLoss()
    }
}
