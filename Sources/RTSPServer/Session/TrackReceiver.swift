/// One track's receive path: RTP parse → reorder → timestamp unwrap → depacketize.
struct TrackReceiver {
    let track: AnnouncedTrack
    private var reorderer: SequenceReorderer
    private var unwrapper = TimestampUnwrapper()
    private var depacketizer: any Depacketizer
    private var reportedLost = 0
    private var reportedDiscarded = 0

    struct Output {
        var units: [AccessUnit] = []
        var accepted = false
        var newlyLost = 0
        var newlyDiscarded = 0
    }

    init(track: AnnouncedTrack, reorderWindow: Int) {
        self.track = track
        // UDP on a LAN reorders by well under a millisecond; 50 ms bounds the wait for a lost packet.
        reorderer = SequenceReorderer(capacity: reorderWindow, maxDelay: .milliseconds(50))
        depacketizer = makeDepacketizer(for: track)
    }

    mutating func receive(_ bytes: [UInt8], at arrival: ContinuousClock.Instant) -> Output {
        var output = Output()
        guard let packet = try? RTPPacket.parse(bytes), Int(packet.payloadType) == track.payloadType else {
            output.newlyDiscarded = 1
            return output
        }
        output.accepted = true
        for released in reorderer.push(packet, at: arrival) {
            let timestamp = unwrapper.unwrap(released.packet.timestamp)
            output.units += depacketizer.push(released.packet, timestamp: timestamp, afterGap: released.afterGap,
                                              arrival: released.arrival)
        }
        collectCounters(into: &output)
        return output
    }

    /// End of stream: release what the reorder window holds and what the depacketizer completed.
    mutating func finish() -> Output {
        var output = Output()
        for released in reorderer.flush() {
            let timestamp = unwrapper.unwrap(released.packet.timestamp)
            output.units += depacketizer.push(released.packet, timestamp: timestamp, afterGap: released.afterGap,
                                              arrival: released.arrival)
        }
        output.units += depacketizer.flush()
        collectCounters(into: &output)
        return output
    }

    private mutating func collectCounters(into output: inout Output) {
        output.newlyLost = reorderer.lost - reportedLost
        reportedLost = reorderer.lost
        output.newlyDiscarded += depacketizer.discardedPackets - reportedDiscarded
        reportedDiscarded = depacketizer.discardedPackets
        for index in output.units.indices { output.units[index].trackIndex = track.track.index }
    }
}
