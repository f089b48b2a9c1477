/// Running totals of one recording.
public struct PipelineStats: Sendable, Equatable {
    public var framesEncoded: Int
    public var framesDropped: Int
    /// Frames encoded per wall-clock second since the first frame.
    public var encodeFPS: Double
    /// Sum of the EXTINF durations of the segments the playlist lists.
    public var mediaDurationSec: Double
    public var segmentCount: Int
    /// Bytes on disk of the listed segments plus the fMP4 init segment.
    public var bytes: Int64
    public var firstFrameEpochMs: Int64?
    public var lastFrameEpochMs: Int64?
    /// What the stream turned out to be (copy and pull recordings; nil for capture).
    public var stream: StreamDescription?
    /// How often the source came back after it was lost (pull) or left (publish).
    public var reconnects: Int

    public init(framesEncoded: Int = 0, framesDropped: Int = 0, encodeFPS: Double = 0,
                mediaDurationSec: Double = 0, segmentCount: Int = 0, bytes: Int64 = 0,
                firstFrameEpochMs: Int64? = nil, lastFrameEpochMs: Int64? = nil,
                stream: StreamDescription? = nil, reconnects: Int = 0) {
        self.framesEncoded = framesEncoded
        self.framesDropped = framesDropped
        self.encodeFPS = encodeFPS
        self.mediaDurationSec = mediaDurationSec
        self.segmentCount = segmentCount
        self.bytes = bytes
        self.firstFrameEpochMs = firstFrameEpochMs
        self.lastFrameEpochMs = lastFrameEpochMs
        self.stream = stream
        self.reconnects = reconnects
    }
}
