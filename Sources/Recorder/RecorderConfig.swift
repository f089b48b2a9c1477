import Foundation
import Media
import Sessions

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
    /// The `source` of a start request that names none.
    public var defaultSource: StartRequest.SourceChoice = .auto
    /// Publishers and pulls (stream copy) count here, not in `maxSessions`.
    public var maxIngestSessions: Int = Defaults.maxIngestSessions
    /// A publish to a path with no session creates one.
    public var autoSessions = true
    /// How long a publish session waits for its publisher to come back.
    public var reconnectGraceSec: Double = Defaults.reconnectGraceSec
    /// How long a `publish` session waits for its first publisher before it fails.
    public var publishWaitSec: Double = Defaults.publishWaitSec
    /// An `always` camera's sessions last at most this many media seconds (`ingest.max_session_sec`).
    public var maxSessionSec: Double = Defaults.maxSessionSec
    /// A pull must be open (connection and stream information) within this.
    public var sourceOpenTimeoutSec: Double = Defaults.sourceOpenTimeoutSec
    /// Finished exports kept under `data/exports/` (`archive.export_cache_mb`).
    public var exportCacheBytes: Int64 = Int64(Defaults.exportCacheMB) * 1_048_576
    /// Thumbnail sheets (`media.thumbnail_interval_sec`) and the motion detector (`media.motion_*`),
    /// for capture and copy sessions alike.
    public var frameAnalysis = FrameAnalysis(thumbnailIntervalSeconds: Defaults.thumbnailIntervalSec)
    /// Receives the motion detector's events; nothing stores them by default.
    public var motionSink: any MotionSink = DiscardingMotionSink()

    public init(
        dataDirectory: URL, publicURL: String = "http://\(Defaults.listenHost):\(Defaults.listenPort)",
        nodeId: String = ProcessInfo.processInfo.hostName,
        defaultDevice: String = Defaults.cameraDevice, defaultDeviceId: String = Defaults.cameraDeviceId,
        width: Int = Defaults.width, height: Int = Defaults.height, fps: Int = Defaults.fps,
        segmentSeconds: Double = Defaults.segmentSeconds,
        segmentFormat: SegmentFormat = .mpegts, encoder: EncoderSettings = EncoderSettings(),
        testPattern: String = Defaults.testPattern, cameraInputFormat: String? = nil, maxSessions: Int = Defaults.maxSessions,
        maxDurationSec: Double = Defaults.maxDurationSec, stallTimeoutSec: Double = Defaults.stallTimeoutSec,
        minFreeBytes: Int64 = Int64(Defaults.minFreeMB) * 1_048_576,
        shutdownTimeoutSec: Double = Defaults.shutdownTimeoutSec,
        maxWidth: Int = Defaults.maxWidth, maxHeight: Int = Defaults.maxHeight, maxFPS: Int = Defaults.maxFps
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

    public var recordingsDirectory: URL { dataDirectory.appendingPathComponent(RecordingLayout.recordingsDirectoryName, isDirectory: true) }

    public func directory(for sessionId: String) -> URL {
        recordingsDirectory.appendingPathComponent(sessionId, isDirectory: true)
    }

    public func playlistURL(for sessionId: String) -> String { "\(publicURL)/\(sessionId)/\(RecordingLayout.playlistFileName)" }
}
