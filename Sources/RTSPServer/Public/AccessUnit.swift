/// One depacketized access unit: a video picture or one AAC frame.
public struct AccessUnit: Sendable {
    public var trackIndex: Int
    /// The RTP timestamp in the track's clock rate, unwrapped to 64 bits; the first packet keeps its
    /// 32-bit value. Video timestamps are presentation times (they go back with B-frames).
    public var timestamp: Int64
    /// H.264: an IDR slice (type 5) is present; H.265: an IRAP slice (types 16–21). Audio: always true.
    public var isKeyframe: Bool
    /// Video: NAL units without start codes, in order, in-band parameter sets included.
    /// Audio: exactly one element, the raw AAC frame.
    public var nalUnits: [[UInt8]]
    /// A packet this unit needed was lost: a NAL unit may be missing from it.
    public var hasLoss: Bool
    /// When the packet completing this unit arrived.
    public var arrival: ContinuousClock.Instant

    public init(
        trackIndex: Int, timestamp: Int64, isKeyframe: Bool, nalUnits: [[UInt8]],
        hasLoss: Bool = false, arrival: ContinuousClock.Instant = .now
    ) {
        self.trackIndex = trackIndex
        self.timestamp = timestamp
        self.isKeyframe = isKeyframe
        self.nalUnits = nalUnits
        self.hasLoss = hasLoss
        self.arrival = arrival
    }

    /// The AAC frame of an audio unit (the single element of `nalUnits`).
    public var payload: [UInt8] { nalUnits.count == 1 ? nalUnits[0] : nalUnits.flatMap { $0 } }
}
