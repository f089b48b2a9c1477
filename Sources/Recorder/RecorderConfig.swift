import Foundation
import Media

/// Everything the session manager needs to know about this node; built by `streamd` from YAML + environment.
public struct RecorderConfig: Sendable {
    /// Recordings live in `dataDirectory/recordings/<sessionId>/`.
    public var dataDirectory: URL
    /// Base of every `playlist_url`, without a trailing slash.
    public var publicURL: String
    /// Names this daemon in the `node` column, so crash recovery only touches its own sessions.
    public var nodeId: String
    public var defaultDevice: String
    public var defaultDeviceId: String
    public var width: Int
    public var height: Int
    public var fps: Int
    public var segmentSeconds: Double
    public var segmentFormat: SegmentFormat
    public var encoder: EncoderSettings
    /// `testsrc2` (default) or `testsrc`.
    public var testPattern: String
    /// Camera pixel format: `mjpeg`, `yuyv422` or nil to negotiate.
    public var cameraInputFormat: String?
    public var maxSessions: Int
    /// What a capture session may ask for at most (`limits.max_width`, `max_height`, `max_fps`): beyond
    /// them, encoding falls behind real time and memory grows.
    public var maxWidth: Int
    public var maxHeight: Int
    public var maxFPS: Int
    public var maxDurationSec: Double
    public var stallTimeoutSec: Double
    /// New sessions are refused with 507 when the data volume has less free space than this.
    public var minFreeBytes: Int64
    /// How long SIGTERM waits for every recording to write its trailer.
    public var shutdownTimeoutSec: Double

    public init(
        dataDirectory: URL, publicURL: String = "http://127.0.0.1:8080", nodeId: String = ProcessInfo.processInfo.hostName,
        defaultDevice: String = "/dev/video0", defaultDeviceId: String = "cam-local",
        width: Int = 1280, height: Int = 720, fps: Int = 30, segmentSeconds: Double = 2,
        segmentFormat: SegmentFormat = .mpegts, encoder: EncoderSettings = EncoderSettings(),
        testPattern: String = "testsrc2", cameraInputFormat: String? = nil, maxSessions: Int = 4,
        maxDurationSec: Double = 86_400, stallTimeoutSec: Double = 5, minFreeBytes: Int64 = 256 * 1024 * 1024,
        shutdownTimeoutSec: Double = 10, maxWidth: Int = 1920, maxHeight: Int = 1080, maxFPS: Int = 30
    ) {
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.nodeId = nodeId
        self.defaultDevice = defaultDevice
        self.defaultDeviceId = defaultDeviceId
        self.width = width
        self.height = height
        self.fps = fps
        self.segmentSeconds = segmentSeconds
        self.segmentFormat = segmentFormat
        self.encoder = encoder
        self.testPattern = testPattern
        self.cameraInputFormat = cameraInputFormat
        self.maxSessions = maxSessions
        self.maxDurationSec = maxDurationSec
        self.stallTimeoutSec = stallTimeoutSec
        self.minFreeBytes = minFreeBytes
        self.shutdownTimeoutSec = shutdownTimeoutSec
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxFPS = maxFPS
    }

    public var recordingsDirectory: URL { dataDirectory.appendingPathComponent("recordings", isDirectory: true) }

    public func directory(for sessionId: String) -> URL {
        recordingsDirectory.appendingPathComponent(sessionId, isDirectory: true)
    }

    public func playlistURL(for sessionId: String) -> String { "\(publicURL)/\(sessionId)/index.m3u8" }
}
