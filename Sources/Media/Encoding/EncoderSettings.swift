/// libx264 settings.
public struct EncoderSettings: Sendable, Equatable {
    public var preset: String
    public var tune: String
    public var crf: Int
    /// libx264 threads; 0 lets x264 choose from the core count.
    public var threads: Int

    public init(preset: String = "veryfast", tune: String = "zerolatency", crf: Int = 23, threads: Int = 0) {
        self.preset = preset
        self.tune = tune
        self.crf = crf
        self.threads = threads
    }
}
