import NIOCore

/// What arrives on an RTSP connection: requests, interleaved RTP/RTCP frames, or garbage.
enum RTSPFrame: Sendable, Equatable {
    case request(RTSPRequest)
    /// `$`, channel, 16-bit length, payload (RFC 2326 §10.12).
    case interleaved(channel: UInt8, payload: [UInt8])
}
