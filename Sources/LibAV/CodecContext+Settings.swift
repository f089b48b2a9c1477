import CFFmpeg

/// Typed access to the `AVCodecContext` fields streamd sets before `open` or reads after it.
extension CodecContext {
    public var width: Int32 {
        get { pointer.pointee.width }
        set { pointer.pointee.width = newValue }
    }

    public var height: Int32 {
        get { pointer.pointee.height }
        set { pointer.pointee.height = newValue }
    }

    public var pixelFormat: PixelFormat {
        get { PixelFormat(pointer.pointee.pix_fmt) }
        set { pointer.pointee.pix_fmt = newValue.av }
    }

    /// The encoder's time base: frame pts are counted in it.
    public var timeBase: Rational {
        get { Rational(pointer.pointee.time_base) }
        set { pointer.pointee.time_base = newValue.av }
    }

    public var frameRate: Rational {
        get { Rational(pointer.pointee.framerate) }
        set { pointer.pointee.framerate = newValue.av }
    }

    /// Frames between keyframes (`gop_size`).
    public var keyframeInterval: Int32 {
        get { pointer.pointee.gop_size }
        set { pointer.pointee.gop_size = newValue }
    }

    /// The shortest distance between keyframes (`keyint_min`).
    public var minimumKeyframeInterval: Int32 {
        get { pointer.pointee.keyint_min }
        set { pointer.pointee.keyint_min = newValue }
    }

    public var maxBFrames: Int32 {
        get { pointer.pointee.max_b_frames }
        set { pointer.pointee.max_b_frames = newValue }
    }

    /// 0 lets the codec choose from the core count.
    public var threadCount: Int32 {
        get { pointer.pointee.thread_count }
        set { pointer.pointee.thread_count = newValue }
    }

    /// AV_CODEC_FLAG_GLOBAL_HEADER: headers in extradata, as MP4-like containers want.
    public var usesGlobalHeader: Bool {
        get { pointer.pointee.flags & AV_CODEC_FLAG_GLOBAL_HEADER != 0 }
        set {
            if newValue { pointer.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER } else { pointer.pointee.flags &= ~AV_CODEC_FLAG_GLOBAL_HEADER }
        }
    }

    /// JPEG range (0–255) rather than video range (16–235).
    public var isFullRange: Bool {
        get { pointer.pointee.color_range == AVCOL_RANGE_JPEG }
        set { pointer.pointee.color_range = newValue ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG }
    }

    /// A constant quantizer (AV_CODEC_FLAG_QSCALE with `global_quality` = q × FF_QP2LAMBDA).
    public func setFixedQuantizer(_ quantizer: Int32) {
        pointer.pointee.flags |= AV_CODEC_FLAG_QSCALE
        pointer.pointee.global_quality = quantizer * FF_QP2LAMBDA
    }

    /// The time base of the packets a decoder is fed (`pkt_timebase`).
    public var packetTimeBase: Rational {
        get { Rational(pointer.pointee.pkt_timebase) }
        set { pointer.pointee.pkt_timebase = newValue.av }
    }

    /// Makes a decoder report damage as errors instead of concealing it.
    public func reportDamageAsErrors() {
        pointer.pointee.err_recognition |= AV_EF_EXPLODE | AV_EF_CRCCHECK
    }

    public var sampleRate: Int32 {
        get { pointer.pointee.sample_rate }
        set { pointer.pointee.sample_rate = newValue }
    }

    /// Samples per channel in each frame an encoder takes (0: any).
    public var frameSize: Int32 { pointer.pointee.frame_size }
}
