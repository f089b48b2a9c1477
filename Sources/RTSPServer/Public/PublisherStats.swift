/// Counters of one publisher connection, across its tracks.
public struct PublisherStats: Sendable, Equatable {
    /// RTP packets accepted (right source, right payload type, parsed).
    public var packetsReceived: Int = 0
    /// Sequence numbers never seen (gaps that the reorder window could not fill).
    public var packetsLost: Int = 0
    /// RTP and RTCP bytes received (UDP datagrams or interleaved frames).
    public var bytesReceived: Int = 0
    /// Access units handed to the sink.
    public var accessUnits: Int = 0
    /// RTP packets the depacketizers could not use (unsupported or malformed payloads).
    public var packetsDiscarded: Int = 0

    public init() {}
}
