import Foundation

/// Everything one recording needs.
public struct RecordingSpec: Sendable {
    public var sessionId: String
    /// `data/recordings/<id>`; the pipeline creates it.
    public var directory: URL
    public var source: SourceKind
    public var width: Int
    public var height: Int
    public var fps: Int
    public var segmentSeconds: Double
    public var segmentFormat: SegmentFormat
    public var encoder: EncoderSettings
    /// Media seconds after which the recording ends by itself (duration + post-roll); nil records
    /// until `stop()`.
    public var maxMediaSeconds: Double?
    /// No frame for this long ends the recording as failed.
    public var stallTimeoutSeconds: Double
    /// Writes `poster.jpg` from the first keyframe.
    public var writeThumbnail: Bool
    /// Thumbnail sheets and motion detection on the encoder's input.
    public var analysis: FrameAnalysis

    public init(
        sessionId: String,
        directory: URL,
        source: SourceKind = .testPattern(filter: "testsrc2"),
        width: Int = 1280,
        height: Int = 720,
        fps: Int = 30,
        segmentSeconds: Double = 2,
        segmentFormat: SegmentFormat = .mpegts,
        encoder: EncoderSettings = EncoderSettings(),
        maxMediaSeconds: Double? = nil,
        stallTimeoutSeconds: Double = 5,
        writeThumbnail: Bool = true,
        analysis: FrameAnalysis = FrameAnalysis()
    ) {
        self.sessionId = sessionId
        self.directory = directory
        self.source = source
        self.width = width
        self.height = height
        self.fps = fps
        self.segmentSeconds = segmentSeconds
        self.segmentFormat = segmentFormat
        self.encoder = encoder
        self.maxMediaSeconds = maxMediaSeconds
        self.stallTimeoutSeconds = stallTimeoutSeconds
        self.writeThumbnail = writeThumbnail
        self.analysis = analysis
    }

    /// Frames per GOP: a keyframe starts every segment.
    var framesPerSegment: Int { max(1, Int((Double(fps) * segmentSeconds).rounded())) }

    func validate() throws {
        guard width >= 16, height >= 16, width <= 7680, height <= 4320, width % 2 == 0, height % 2 == 0 else {
            throw MediaError.invalidSpec(reason: "the frame size \(width)x\(height) must be even and between 16x16 and 7680x4320")
        }
        guard (1...240).contains(fps) else {
            throw MediaError.invalidSpec(reason: "the frame rate \(fps) must be between 1 and 240")
        }
        guard segmentSeconds >= 0.5, segmentSeconds <= 60 else {
            throw MediaError.invalidSpec(reason: "the segment length \(segmentSeconds) s must be between 0.5 and 60 s")
        }
        guard (0...51).contains(encoder.crf) else {
            throw MediaError.invalidSpec(reason: "CRF \(encoder.crf) must be between 0 and 51")
        }
        if let maxMediaSeconds, !(maxMediaSeconds > 0) {
            throw MediaError.invalidSpec(reason: "the media duration \(maxMediaSeconds) s must be positive")
        }
        guard stallTimeoutSeconds > 0 else {
            throw MediaError.invalidSpec(reason: "the stall timeout must be positive")
        }
        try analysis.validate()
    }
}
