/// A pull: where from, where to, and how patiently.
public struct PullSpec: Sendable {
    public var url: SourceURL
    /// Directory, segmenting and the media duration of the recording.
    public var recording: CopySpec
    /// Opening (connection and stream information) must finish within this; the contract's 10 s.
    public var openTimeoutSeconds: Double
    /// No packet for this long means the source is lost (it is reopened).
    public var stallTimeoutSeconds: Double
    /// The first reconnect waits this long; each failed attempt doubles it up to `maxReconnectDelaySeconds`.
    public var reconnectDelaySeconds: Double
    public var maxReconnectDelaySeconds: Double
    /// The encoder for sources whose video cannot be copied (MJPEG, …).
    public var encoder: EncoderSettings
    /// Set for an `always` camera: the recording continues into new directories (see `PullRollover`).
    public var rollover: PullRollover?

    public init(url: SourceURL, recording: CopySpec, openTimeoutSeconds: Double = 10, stallTimeoutSeconds: Double = 10,
                reconnectDelaySeconds: Double = 1, maxReconnectDelaySeconds: Double = 30,
                encoder: EncoderSettings = EncoderSettings()) {
        self.url = url
        self.recording = recording
        self.openTimeoutSeconds = openTimeoutSeconds
        self.stallTimeoutSeconds = stallTimeoutSeconds
        self.reconnectDelaySeconds = reconnectDelaySeconds
        self.maxReconnectDelaySeconds = maxReconnectDelaySeconds
        self.encoder = encoder
    }
}
