import CFFmpeg

/// Owns one `AVFrame` (av_frame_alloc / av_frame_free). Reused across iterations: `unref` drops
/// the picture it references, the struct itself stays allocated.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws {
        guard let frame = av_frame_alloc() else {
            throw MediaError.libav("av_frame_alloc", streamd_averror(ENOMEM), "a video frame")
        }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    var width: Int32 { pointer.pointee.width }
    var height: Int32 { pointer.pointee.height }
    var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }

    /// The frame's presentation time in its producer's time base, or nil when it has none.
    var timestamp: Int64? {
        let nopts = streamd_nopts_value()
        if pointer.pointee.best_effort_timestamp != nopts { return pointer.pointee.best_effort_timestamp }
        if pointer.pointee.pts != nopts { return pointer.pointee.pts }
        return nil
    }

    func unref() { av_frame_unref(pointer) }

    /// Gives the frame its own picture buffers of this geometry (once, before the first use).
    func allocateBuffers(width: Int32, height: Int32, format: AVPixelFormat) throws {
        av_frame_unref(pointer)
        pointer.pointee.width = width
        pointer.pointee.height = height
        pointer.pointee.format = format.rawValue
        let code = av_frame_get_buffer(pointer, 0)
        if code < 0 { throw MediaError.libav("av_frame_get_buffer", code, "a \(width)x\(height) frame") }
    }

    /// A consumer (the encoder) may still reference the buffers: copy-on-write before reuse.
    func makeWritable() throws {
        let code = av_frame_make_writable(pointer)
        if code < 0 { throw MediaError.libav("av_frame_make_writable", code, "a reused video frame") }
    }
}
