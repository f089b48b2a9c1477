import LibAV

/// One stream the segmenter copies: its codec parameters and the time base of its packets.
struct CopyInputStream {
    let parameters: CodecParameters
    let timeBase: Rational
    /// Video: the frame rate the source states, when it states one.
    let frameRate: Rational?
}
