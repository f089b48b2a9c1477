/// The motion detector's knobs (`media.motion_*`).
public struct MotionSettings: Sendable, Equatable {
    /// Which frames of a copy session are decoded for the detector.
    public enum CopyFrames: String, Sendable, Equatable, CaseIterable {
        /// Keyframes only: one decode per GOP, the cheapest.
        case keyframes
        /// Every frame (loop filter skipped), sampled like a capture session.
        case all
    }

    /// The share of the picture (0–1) whose brightness must change for an event.
    public var threshold: Double
    /// After an event, none for this many media seconds.
    public var minGapSeconds: Double
    /// Pictures compared per media second in capture sessions (and copy sessions decoding all frames).
    public var samplesPerSecond: Double
    public var copyFrames: CopyFrames

    public init(threshold: Double = MotionDetector.defaultThreshold, minGapSeconds: Double = 10,
                samplesPerSecond: Double = 5, copyFrames: CopyFrames = .keyframes) {
        self.threshold = threshold
        self.minGapSeconds = minGapSeconds
        self.samplesPerSecond = samplesPerSecond
        self.copyFrames = copyFrames
    }

    func validate() throws {
        guard threshold > 0, threshold <= 1 else {
            throw MediaError.invalidSpec(reason: "the motion threshold \(threshold) must be above 0 and at most 1")
        }
        guard minGapSeconds >= 0, samplesPerSecond > 0, samplesPerSecond <= 60 else {
            throw MediaError.invalidSpec(reason: "the motion gap must not be negative and the sample rate must be 0–60 per second")
        }
    }
}
