import Foundation

/// Everything a stream-copy recording needs (publish or pull): where it goes and how it is cut.
public struct CopySpec: Sendable {
    public var sessionId: String
    /// `data/recordings/<id>`; the recording creates it.
    public var directory: URL
    /// Segments last about this long, as the stream's keyframes allow.
    public var segmentSeconds: Double
    public var segmentFormat: SegmentFormat
    /// Media seconds after which the recording ends by itself; nil records until `stop()`.
    public var maxMediaSeconds: Double?
    /// Writes `poster.jpg` by decoding the first keyframe.
    public var writeThumbnail: Bool
    /// Thumbnail sheets and motion detection, on decoded keyframes (or all frames, by config).
    public var analysis: FrameAnalysis

    public init(sessionId: String, directory: URL, segmentSeconds: Double = 2, segmentFormat: SegmentFormat = .mpegts,
                maxMediaSeconds: Double? = nil, writeThumbnail: Bool = true, analysis: FrameAnalysis = FrameAnalysis()) {
        self.sessionId = sessionId
        self.directory = directory
        self.segmentSeconds = segmentSeconds
        self.segmentFormat = segmentFormat
        self.maxMediaSeconds = maxMediaSeconds
        self.writeThumbnail = writeThumbnail
        self.analysis = analysis
    }

    func validate() throws {
        guard segmentSeconds >= 0.5, segmentSeconds <= 60 else {
            throw MediaError.invalidSpec(reason: "the segment length \(segmentSeconds) s must be between 0.5 and 60 s")
        }
        if let maxMediaSeconds, !(maxMediaSeconds > 0) {
            throw MediaError.invalidSpec(reason: "the media duration \(maxMediaSeconds) s must be positive")
        }
        try analysis.validate()
    }
}
