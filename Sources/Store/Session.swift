import Foundation

/// Where a session is in its life. Raw values are the contract's `status` strings.
public enum SessionStatus: String, Sendable, Codable, CaseIterable {
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
public struct Session: Sendable, Equatable, Codable {
    public var sessionId: String
    public var deviceId: String
    public var streamPath: String
    public var status: SessionStatus
    /// `testsrc` or `camera` once resolved (`auto` never reaches the store).
    public var source: String
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
        durationSec: Double? = nil, postRollSec: Double = 0, width: Int = 1280, height: Int = 720, fps: Int = 30,
        mediaDurationSec: Double = 0, segmentCount: Int = 0, bytes: Int64 = 0, error: String? = nil,
        node: String = "", createdAt: Date, updatedAt: Date
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
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
