import Foundation

/// Where a session is in its life. Raw values are the contract's `status` strings.
public enum SessionStatus: String, Sendable, CaseIterable {
    case starting, recording, completed, failed, interrupted

    /// Ended sessions never record again; their playlist carries `#EXT-X-ENDLIST`.
    public var isEnded: Bool {
        switch self {
        case .starting, .recording: false
        case .completed, .failed, .interrupted: true
        }
    }
}

/// One recording session: a row of the `sessions` table and the contract's session JSON.
public struct Session: Sendable, Equatable {
    public var sessionId: String
    public var deviceId: String
    public var streamPath: String
    public var status: SessionStatus
    /// `testsrc`, `camera`, `publish` or `pull` once resolved (`auto` never reaches the store).
    public var source: String
    /// The pulled URL with its credentials masked (`rtsp://user:***@host/…`); nil for other sources.
    public var sourceUrl: String?
    /// `h264` or `hevc`, as recorded.
    public var videoCodec: String?
    /// `aac`, or nil when the recording has no audio.
    public var audioCodec: String?
    /// True only when a pulled stream was decoded and re-encoded.
    public var transcoded: Bool
    /// How many times a publisher or a pulled source came back after a loss.
    public var reconnects: Int
    /// Camera device path when the source is a camera.
    public var device: String?
    /// Epoch milliseconds of the first and last captured frame.
    public var edgeStartTs: Int64?
    public var edgeEndTs: Int64?
    public var playlistUrl: String
    public var durationSec: Double?
    public var postRollSec: Double
    public var width: Int
    public var height: Int
    public var fps: Int
    public var mediaDurationSec: Double
    public var segmentCount: Int
    public var bytes: Int64
    public var error: String?
    /// The daemon that recorded it, so crash recovery touches only its own sessions.
    public var node: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        sessionId: String, deviceId: String, streamPath: String, status: SessionStatus, source: String,
        device: String? = nil, edgeStartTs: Int64? = nil, edgeEndTs: Int64? = nil, playlistUrl: String,
        durationSec: Double? = nil, postRollSec: Double = 0, width: Int = Defaults.width, height: Int = Defaults.height,
        fps: Int = Defaults.fps, mediaDurationSec: Double = 0, segmentCount: Int = 0, bytes: Int64 = 0, error: String? = nil,
        node: String = "", sourceUrl: String? = nil, videoCodec: String? = "h264", audioCodec: String? = nil,
        transcoded: Bool = false, reconnects: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.sessionId = sessionId
        self.deviceId = deviceId
        self.streamPath = streamPath
        self.status = status
        self.source = source
        self.device = device
        self.edgeStartTs = edgeStartTs
        self.edgeEndTs = edgeEndTs
        self.playlistUrl = playlistUrl
        self.durationSec = durationSec
        self.postRollSec = postRollSec
        self.width = width
        self.height = height
        self.fps = fps
        self.mediaDurationSec = mediaDurationSec
        self.segmentCount = segmentCount
        self.bytes = bytes
        self.error = error
        self.node = node
        self.sourceUrl = sourceUrl
        self.videoCodec = videoCodec
        self.audioCodec = audioCodec
        self.transcoded = transcoded
        self.reconnects = reconnects
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
