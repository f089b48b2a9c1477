import CFFmpeg

/// Owns one `SwsContext` (sws_alloc_context + sws_init_context / sws_freeContext) converting one
/// fixed input geometry and pixel format to one output geometry and format.
final class ScaleContext {
    struct Geometry: Equatable {
        var width: Int32
        var height: Int32
        var format: AVPixelFormat
        /// JPEG range (0–255) rather than video range (16–235).
        var fullRange = false
    }

    let pointer: OpaquePointer
    let source: Geometry
    let destination: Geometry

    /// The ranges are set before initialisation: only then does swscale pick a converting path
    /// rather than a plain copy between identical formats. (yuvj* formats are full range anyway.)
    init(from source: Geometry, to destination: Geometry) throws {
        let description = "\(source.width)x\(source.height) \(pixelFormatName(source.format)) → \(destination.width)x\(destination.height) \(pixelFormatName(destination.format))"
        guard let context = sws_alloc_context() else {
            throw MediaError.libav("sws_alloc_context", streamd_averror(ENOMEM), description)
        }
        let settings: [(String, Int64)] = [
            ("srcw", Int64(source.width)), ("srch", Int64(source.height)), ("src_format", Int64(source.format.rawValue)),
            ("dstw", Int64(destination.width)), ("dsth", Int64(destination.height)), ("dst_format", Int64(destination.format.rawValue)),
            ("sws_flags", Int64(SWS_BILINEAR)), ("src_range", source.fullRange ? 1 : 0), ("dst_range", destination.fullRange ? 1 : 0),
        ]
        for (name, value) in settings {
            let code = av_opt_set_int(UnsafeMutableRawPointer(context), name, value, 0)
            if code < 0 {
                sws_freeContext(context)
                throw MediaError.libav("av_opt_set_int(\(name))", code, description)
            }
        }
        let code = sws_init_context(context, nil, nil)
        if code < 0 {
            sws_freeContext(context)
            throw MediaError.libav("sws_init_context", code, description)
        }
        pointer = context
        self.source = source
        self.destination = destination
    }

    deinit { sws_freeContext(pointer) }

    /// Scales `input` into `output`, whose buffers must already be allocated and writable.
    func scale(_ input: Frame, into output: Frame) throws {
        let code = sws_scale_frame(pointer, output.pointer, input.pointer)
        if code < 0 { throw MediaError.libav("sws_scale_frame", code, "a \(source.width)x\(source.height) frame") }
    }
}

func pixelFormatName(_ format: AVPixelFormat) -> String {
    guard let name = av_get_pix_fmt_name(format) else { return "pixel format \(format.rawValue)" }
    return String(cString: name)
}
