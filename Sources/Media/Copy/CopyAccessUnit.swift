/// One access unit of one stream, depacketized: every NAL unit of a video picture, or one AAC
/// frame. Timestamps are presentation times on the stream's clock (RTP carries no DTS).
public struct CopyAccessUnit: Sendable, Equatable {
    /// Index into the `[CopyStreamInfo]` the recording was created with.
    public var streamIndex: Int
    /// Presentation time in `CopyStreamInfo.clockRate` ticks; may wrap or restart only after
    /// `markDiscontinuity()`.
    public var timestamp: Int64
    /// An IDR (H.264) or IRAP (H.265) picture; always true for audio.
    public var isKeyframe: Bool
    /// Video: the NAL units without start codes, in decoding order.
    public var nalUnits: [[UInt8]]
    /// Audio: one raw AAC frame (no ADTS header).
    public var payload: [UInt8]

    public init(streamIndex: Int, timestamp: Int64, isKeyframe: Bool, nalUnits: [[UInt8]] = [], payload: [UInt8] = []) {
        self.streamIndex = streamIndex
        self.timestamp = timestamp
        self.isKeyframe = isKeyframe
        self.nalUnits = nalUnits
        self.payload = payload
    }
}
