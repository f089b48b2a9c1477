/// Everything the RTSP server needs to know at start; the daemon fills it from its configuration.
public struct RTSPServerConfig: Sendable {
    public var host: String
    public var port: Int
    /// UDP ports for RTP/RTCP pairs; nil binds a free even/odd pair per SETUP.
    public var udpPortRange: ClosedRange<Int>?
    /// Open RTSP connections at once, when no shared `ConnectionCounter` is given.
    public var maxConnections: Int
    /// A publisher that sends no RTP, RTCP or RTSP request for this long is dropped (`.timedOut`).
    public var idleTimeoutSeconds: Double
    /// A connection that has not sent ANNOUNCE within this long is closed.
    public var handshakeTimeoutSeconds: Double
    /// Request line plus headers of one RTSP request.
    public var maxRequestBytes: Int
    public var maxHeaderCount: Int
    /// ANNOUNCE bodies (and every other request body) are capped at this many bytes.
    public var maxSDPBytes: Int
    /// `$`-framed RTP/RTCP over TCP; a larger frame closes the connection.
    public var maxInterleavedFrameBytes: Int
    /// RTP packets held per track to put reordered UDP packets back in sequence.
    public var reorderWindowPackets: Int
    /// When set, publishers must authenticate (Basic or Digest, any user name, this password).
    public var token: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8554,
        udpPortRange: ClosedRange<Int>? = nil,
        maxConnections: Int = 1024,
        idleTimeoutSeconds: Double = 10,
        handshakeTimeoutSeconds: Double = 5,
        maxRequestBytes: Int = 8 * 1024,
        maxHeaderCount: Int = 64,
        maxSDPBytes: Int = 16 * 1024,
        maxInterleavedFrameBytes: Int = 64 * 1024 + 4,
        reorderWindowPackets: Int = 32,
        token: String? = nil
    ) {
        self.host = host
        self.port = port
        self.udpPortRange = udpPortRange
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.handshakeTimeoutSeconds = handshakeTimeoutSeconds
        self.maxRequestBytes = maxRequestBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxSDPBytes = maxSDPBytes
        self.maxInterleavedFrameBytes = maxInterleavedFrameBytes
        self.reorderWindowPackets = reorderWindowPackets
        self.token = token
    }
}
