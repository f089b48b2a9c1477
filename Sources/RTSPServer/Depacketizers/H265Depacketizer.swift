/// RFC 7798: single NAL unit packets, aggregation packets (48) and fragmentation units (49).
struct H265Depacketizer: Depacketizer {
    private var assembler = VideoUnitAssembler(nalType: { ($0 >> 1) & 0x3F }, isKeyframeNAL: { (16...21).contains($0) })
    private var fragment: [UInt8]?
    private var fragmentTimestamp: Int64 = 0
    private let donlBytes: Int
    private(set) var discardedPackets = 0

    init(hasDONL: Bool = false) {
        donlBytes = hasDONL ? 2 : 0
    }

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
        guard payload.count >= 3 else {
            discard()
            if packet.marker { out += assembler.finish() }
            return out
        }
        switch (payload[payload.startIndex] >> 1) & 0x3F {
        case 0...47:
            assembler.append(Array(payload))
        case 48:
            if let units = AggregationReader.units(payload.dropFirst(2), donlBytes: donlBytes) {
                units.forEach { assembler.append($0) }
            } else {
                discard()
            }
        case 49:
            fragmentTimestamp = timestamp
            pushFragment(payload)
        default:
            // PACI (50) and reserved types carry nothing we record.
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
        let start = payload.startIndex
        let fuHeader = payload[start + 2]
        let isStart = fuHeader & 0x80 != 0
        let isEnd = fuHeader & 0x40 != 0
        let skip = 3 + (isStart ? donlBytes : 0)
        guard payload.count >= skip else { return discard() }
        let body = payload.dropFirst(skip)
        if isStart {
            if fragment != nil { assembler.noteLoss() }
            let type = fuHeader & 0x3F
            fragment = [(payload[start] & 0x81) | (type << 1), payload[start + 1]] + body
        } else if fragment != nil {
            fragment?.append(contentsOf: body)
        } else {
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
