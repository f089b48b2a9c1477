/// Every built-in default and limit of streamd, in one place: the config loader, request validation,
/// the recorder and the pipeline all read these, so a default cannot drift between layers.
public enum Defaults {
    // Where and how to listen.
    public static let listenHost = "127.0.0.1"
    public static let listenPort = 8080
    public static let rtspListen = "127.0.0.1:8554"
    public static let dataDir = "./data"
    public static let databaseURL = "postgresql:///streamd"
    public static let databasePoolSize = 4
    public static let corsAllowOrigin = "*"

    // The camera.
    public static let cameraDevice = "/dev/video0"
    public static let cameraDeviceId = "cam-local"

    // Media (contract §6).
    public static let width = 1280
    public static let height = 720
    public static let fps = 30
    public static let segmentSeconds = 2.0
    public static let testPattern = "testsrc2"
    public static let x264Preset = "veryfast"
    public static let x264Tune = "zerolatency"
    public static let x264CRF = 23
    public static let thumbnailIntervalSec = 10.0
    /// The built-in motion detector (contract §11): off unless `media.motion_detection`.
    public static let motionDetection = false
    /// Share of the 64x36 grey picture that must change (by more than the noise floor).
    public static let motionThreshold = 0.02
    /// After a motion event, none for this many media seconds.
    public static let motionMinGapSec = 10.0
    /// Pictures compared per media second in capture sessions.
    public static let motionSamplesPerSec = 5.0

    // Limits.
    public static let maxSessions = 4
    public static let maxIngestSessions = 100
    public static let maxConnections = 1024
    public static let maxDurationSec = 86_400.0
    public static let maxPostRollSec = 3600.0
    public static let maxWidth = 1920
    public static let maxHeight = 1080
    public static let maxFps = 30
    public static let minFreeMB = 256
    public static let stallTimeoutSec = 5.0
    public static let shutdownTimeoutSec = 10.0
    public static let requestIdleTimeoutSec = 60
    /// Largest request body the API reads (contract §5).
    public static let maxBodyBytes = 64 * 1024
    /// Largest body of `POST /sessions/{id}/detections` (contract §11).
    public static let maxDetectionBodyBytes = 1024 * 1024

    // Ingest (contract §9).
    public static let reconnectGraceSec = 5.0
    public static let publishWaitSec = 30.0
    public static let maxSessionSec = 3600.0
    public static let sourceOpenTimeoutSec = 10.0

    // Archive (contract §10).
    /// Finished MP4 exports kept under `data/exports/`, in MiB.
    public static let exportCacheMB = 2048
}
