/// Where the frames come from.
public enum SourceKind: Sendable, Equatable {
    /// FFmpeg's synthetic pattern through the lavfi device: "testsrc2" (default) or "testsrc".
    case testPattern(filter: String = "testsrc2")
    /// A V4L2 camera. `inputFormat` "mjpeg" or "yuyv422"; nil negotiates mjpeg, then yuyv422,
    /// then whatever the driver offers.
    case camera(device: String, inputFormat: String? = nil)
}
