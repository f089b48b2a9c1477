/// One stream of an opened input: what it carries and its timing, with a copy of its codec
/// parameters (valid after the input is closed).
public struct StreamInfo {
    public let index: Int32
    public let mediaType: MediaType
    public let timeBase: Rational
    /// The demuxer's average frame rate; invalid (0/0) when unknown.
    public let averageFrameRate: Rational
    public let parameters: CodecParameters
    /// The first timestamp of the stream in `timeBase` (`AVStream.start_time`, known after
    /// `findStreamInfo`); nil when the demuxer did not learn it.
    public var startTime: Int64? = nil
}
