/// What a recording does with its pictures besides recording them: thumbnail sheets and the
/// motion detector. Neither may stall or fail the recording.
public struct FrameAnalysis: Sendable, Equatable {
    /// One thumbnail tile every this many media seconds; nil writes no thumbnails.
    public var thumbnailIntervalSeconds: Double?
    /// nil: no motion detection.
    public var motion: MotionSettings?

    public init(thumbnailIntervalSeconds: Double? = nil, motion: MotionSettings? = nil) {
        self.thumbnailIntervalSeconds = thumbnailIntervalSeconds
        self.motion = motion
    }

    /// Neither thumbnails nor motion: no picture is ever looked at (nor, in copy sessions, decoded).
    public var isEmpty: Bool { thumbnailIntervalSeconds == nil && motion == nil }

    func validate() throws {
        if let interval = thumbnailIntervalSeconds, !(interval >= 0.1 && interval <= 3600) {
            throw MediaError.invalidSpec(reason: "the thumbnail interval \(interval) s must be between 0.1 and 3600 s")
        }
        try motion?.validate()
    }
}
