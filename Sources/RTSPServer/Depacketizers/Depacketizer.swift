/// Turns in-order RTP packets of one track into access units.
protocol Depacketizer: Sendable {
    /// `timestamp` is the packet's unwrapped RTP timestamp; `afterGap` says packets were lost
    /// just before this one. Returned units carry trackIndex 0: the caller sets it.
    mutating func push(_ packet: RTPPacket, timestamp: Int64, afterGap: Bool, arrival: ContinuousClock.Instant) -> [AccessUnit]
    /// Whatever is complete enough to hand out at the end of the stream.
    mutating func flush() -> [AccessUnit]
    /// Packets whose payload could not be used.
    var discardedPackets: Int { get }
}

/// The depacketizer for a track's codec.
func makeDepacketizer(for track: AnnouncedTrack) -> any Depacketizer {
    switch track.track.codec {
    case .h264: return H264Depacketizer()
    case .h265: return H265Depacketizer(hasDONL: track.h265HasDONL)
    case .aac:
        return AACDepacketizer(parameters: track.aac ?? AACParameters(
            sizeLength: 13, indexLength: 3, indexDeltaLength: 3, frameDuration: 1024))
    case .other: return DiscardingDepacketizer()
    }
}

/// Never delivers: for tracks that are announced but not recorded.
struct DiscardingDepacketizer: Depacketizer {
    private(set) var discardedPackets = 0

    mutating func push(_ packet: RTPPacket, timestamp: Int64, afterGap: Bool, arrival: ContinuousClock.Instant) -> [AccessUnit] {
        discardedPackets += 1
        return []
    }

    mutating func flush() -> [AccessUnit] { [] }
}
