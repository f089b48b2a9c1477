/// Puts RTP packets back in sequence order within a small window and counts the sequence numbers
/// that never came. Packets are released in order; `afterGap` marks the first one after a loss.
struct SequenceReorderer: Sendable {
    struct Released: Sendable {
        var packet: RTPPacket
        var afterGap: Bool
        var arrival: ContinuousClock.Instant
    }

    let capacity: Int
    let maxDelay: Duration
    private(set) var lost = 0
    private(set) var duplicatesOrLate = 0
    /// Extended sequence number of the next packet to release.
    private var expected: Int64?
    private var lastExtended: Int64 = 0
    private var pending: [Int64: (packet: RTPPacket, arrival: ContinuousClock.Instant)] = [:]
    private var gapBeforeNext = false

    init(capacity: Int = 32, maxDelay: Duration = .milliseconds(50)) {
        self.capacity = max(1, capacity)
        self.maxDelay = maxDelay
    }

    /// A jump this far from the expected number is a restart of the sender, not loss.
    private static let resyncDistance: Int64 = 3000

    mutating func push(_ packet: RTPPacket, at arrival: ContinuousClock.Instant) -> [Released] {
        let sequence = extend(packet.sequenceNumber)
        guard let next = expected else {
            expected = sequence + 1
            return [Released(packet: packet, afterGap: false, arrival: arrival)]
        }
        if sequence < next {
            if next - sequence > Self.resyncDistance { return resync(packet, sequence, arrival) }
            duplicatesOrLate += 1
            return []
        }
        if sequence - next > Self.resyncDistance { return resync(packet, sequence, arrival) }
        if sequence == next {
            var out = [Released(packet: packet, afterGap: gapBeforeNext, arrival: arrival)]
            gapBeforeNext = false
            expected = next + 1
            drainInOrder(into: &out)
            out += releaseOverdue(now: arrival)
            return out
        }
        if pending[sequence] != nil {
            duplicatesOrLate += 1
            return []
        }
        pending[sequence] = (packet, arrival)
        return releaseOverdue(now: arrival)
    }

    /// Gives up on every missing packet and releases all that are held (end of stream).
    mutating func flush() -> [Released] {
        var out: [Released] = []
        while !pending.isEmpty { skipToOldestPending(into: &out) }
        return out
    }

    private mutating func releaseOverdue(now: ContinuousClock.Instant) -> [Released] {
        var out: [Released] = []
        while let oldest = pending.keys.min(), let entry = pending[oldest],
              pending.count > capacity || now - entry.arrival > maxDelay {
            skipToOldestPending(into: &out)
        }
        return out
    }

    private mutating func skipToOldestPending(into out: inout [Released]) {
        guard let oldest = pending.keys.min(), let next = expected else { return }
        if oldest > next {
            lost += Int(oldest - next)
            gapBeforeNext = true
        }
        expected = oldest
        drainInOrder(into: &out)
    }

    private mutating func drainInOrder(into out: inout [Released]) {
        while let next = expected, let entry = pending.removeValue(forKey: next) {
            out.append(Released(packet: entry.packet, afterGap: gapBeforeNext, arrival: entry.arrival))
            gapBeforeNext = false
            expected = next + 1
        }
    }

    private mutating func resync(_ packet: RTPPacket, _ sequence: Int64, _ arrival: ContinuousClock.Instant) -> [Released] {
        var out = flush()
        pending.removeAll()
        lastExtended = Int64(packet.sequenceNumber)
        expected = lastExtended + 1
        out.append(Released(packet: packet, afterGap: true, arrival: arrival))
        return out
    }

    /// 16-bit sequence numbers to 64 bits, relative to the highest seen.
    private mutating func extend(_ raw: UInt16) -> Int64 {
        guard expected != nil else {
            lastExtended = Int64(raw)
            return lastExtended
        }
        let step = Int64(Int16(bitPattern: raw &- UInt16(truncatingIfNeeded: lastExtended)))
        let extended = lastExtended + step
        if extended > lastExtended { lastExtended = extended }
        return extended
    }
}
