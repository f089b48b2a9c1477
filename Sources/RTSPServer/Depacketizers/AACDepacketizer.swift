/// RFC 3640 mpeg4-generic (AAC-hbr): AU-headers-length, AU headers (size, index / index delta),
/// then the access units; several per packet, or one fragmented over packets.
struct AACDepacketizer: Depacketizer {
    let parameters: AACParameters
    private(set) var discardedPackets = 0
    private var fragment: (timestamp: Int64, expectedSize: Int, data: [UInt8])?

    /// The largest AAC frame is 6144 bits per channel; 8 channels fit in 8 KiB.
    static let maxFrameBytes = 8192

    init(parameters: AACParameters) {
        self.parameters = parameters
    }

    mutating func push(_ packet: RTPPacket, timestamp: Int64, afterGap: Bool, arrival: ContinuousClock.Instant) -> [AccessUnit] {
        if afterGap { fragment = nil }
        let payload = packet.payload
        guard payload.count >= 2 else { return discard() }
        let headerBits = Int(payload[payload.startIndex]) << 8 | Int(payload[payload.startIndex + 1])
        let headerBytes = (headerBits + 7) / 8
        guard payload.count >= 2 + headerBytes else { return discard() }
        var reader = BitReader(payload.dropFirst(2).prefix(headerBytes))
        var headers: [(size: Int, indexStep: Int)] = []
        var consumedBits = 0
        while consumedBits < headerBits {
            let indexBits = headers.isEmpty ? parameters.indexLength : parameters.indexDeltaLength
            guard let size = reader.read(parameters.sizeLength), let index = reader.read(indexBits) else {
                return discard()
            }
            consumedBits += parameters.sizeLength + indexBits
            headers.append((Int(size), headers.isEmpty ? 0 : Int(index) + 1))
        }
        guard consumedBits == headerBits, !headers.isEmpty else { return discard() }
        let data = payload.dropFirst(2 + headerBytes)
        if headers.count == 1, let only = headers.first, only.size > data.count {
            return pushFragment(data, size: only.size, timestamp: timestamp, marker: packet.marker, arrival: arrival)
        }
        fragment = nil
        var out: [AccessUnit] = []
        var offset = data.startIndex
        var index = 0
        for header in headers {
            index += header.indexStep
            guard header.size > 0, offset + header.size <= data.endIndex else {
                discardedPackets += 1
                break
            }
            out.append(unit(Array(data[offset..<offset + header.size]),
                            timestamp: timestamp + Int64(index * parameters.frameDuration), arrival: arrival))
            offset += header.size
        }
        return out
    }

    mutating func flush() -> [AccessUnit] {
        fragment = nil
        return []
    }

    private mutating func pushFragment(
        _ data: ArraySlice<UInt8>, size: Int, timestamp: Int64, marker: Bool, arrival: ContinuousClock.Instant
    ) -> [AccessUnit] {
        guard size <= Self.maxFrameBytes else { return discard() }
        if var current = fragment, current.timestamp == timestamp, current.expectedSize == size {
            current.data.append(contentsOf: data)
            fragment = current
        } else {
            fragment = (timestamp, size, Array(data))
        }
        guard let current = fragment, current.data.count >= size || marker else { return [] }
        fragment = nil
        guard current.data.count == size else { return discard() }
        return [unit(current.data, timestamp: timestamp, arrival: arrival)]
    }

    private func unit(_ frame: [UInt8], timestamp: Int64, arrival: ContinuousClock.Instant) -> AccessUnit {
        AccessUnit(trackIndex: 0, timestamp: timestamp, isKeyframe: true, nalUnits: [frame], arrival: arrival)
    }

    private mutating func discard() -> [AccessUnit] {
        discardedPackets += 1
        return []
    }
}
