/// Why an export could not be written, beyond a failed libav call.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Codec parameters differ between pieces of the range: one MP4 track cannot hold both.
    case incompatibleSegments(reason: String)
    /// The range holds no video frame.
    case noMedia
    /// A segment file name the concat protocol cannot carry.
    case unsupportedPath(String)

    public var description: String {
        switch self {
        case let .incompatibleSegments(reason):
            return "The segments in this range cannot be joined into one MP4: \(reason)"
        case .noMedia:
            return "The range holds no video frame"
        case let .unsupportedPath(path):
            return "The segment file \(path) cannot be read by the exporter"
        }
    }
}
