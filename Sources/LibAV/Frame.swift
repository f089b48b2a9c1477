import CFFmpeg

/// Owns one `AVFrame` (av_frame_alloc / av_frame_free). Reused across iterations: `unref` drops
/// the picture it references, the struct itself stays allocated.
public final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    public init() throws {
        guard let frame = av_frame_alloc() else {
            throw LibAVError.failed("av_frame_alloc", .outOfMemory, "a video frame")
        }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    public var width: Int32 { pointer.pointee.width }
    public var height: Int32 { pointer.pointee.height }
    public var pixelFormat: PixelFormat { PixelFormat(rawValue: pointer.pointee.format) }

    /// The frame's presentation time in its producer's time base, or nil when it has none.
    public var timestamp: Int64? {
        let nopts = streamd_nopts_value()
        if pointer.pointee.best_effort_timestamp != nopts { return pointer.pointee.best_effort_timestamp }
        if pointer.pointee.pts != nopts { return pointer.pointee.pts }
        return nil
    }

    /// The pts handed to an encoder, in its time base.
    public var pts: Int64? {
        get { pointer.pointee.pts == streamd_nopts_value() ? nil : pointer.pointee.pts }
        set { pointer.pointee.pts = newValue ?? streamd_nopts_value() }
    }

    /// The duration of the packet the frame was decoded from.
    public var packetDuration: Int64 { pointer.pointee.pkt_duration }

    /// Asks an encoder for a keyframe here (true) or lets it choose (false). Decoders mark every
    /// raw or MJPEG frame as I, so a reused decoded frame must be reset either way.
    public var forcesKeyframe: Bool {
        get { pointer.pointee.pict_type == AV_PICTURE_TYPE_I }
        set { pointer.pointee.pict_type = newValue ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE }
    }

    /// JPEG range (0–255) rather than video range (16–235).
    public var isFullRange: Bool {
        get { pointer.pointee.color_range == AVCOL_RANGE_JPEG }
        set { pointer.pointee.color_range = newValue ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG }
    }

    /// The decoder flagged this frame as damaged (concealed errors or AV_FRAME_FLAG_CORRUPT).
    public var isDamaged: Bool {
        pointer.pointee.decode_error_flags != 0 || pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0
    }

    public func unref() { av_frame_unref(pointer) }

    /// Gives the frame its own picture buffers of this geometry (once, before the first use).
    public func allocateBuffers(width: Int32, height: Int32, format: PixelFormat) throws {
        av_frame_unref(pointer)
        pointer.pointee.width = width
        pointer.pointee.height = height
        pointer.pointee.format = format.rawValue
        let code = av_frame_get_buffer(pointer, 0)
        if code < 0 { throw LibAVError.failed("av_frame_get_buffer", AVErrorCode(rawValue: code), "a \(width)x\(height) frame") }
    }

    /// A consumer (the encoder) may still reference the buffers: copy-on-write before reuse.
    public func makeWritable() throws {
        let code = av_frame_make_writable(pointer)
        if code < 0 { throw LibAVError.failed("av_frame_make_writable", AVErrorCode(rawValue: code), "a reused video frame") }
    }
}
