import CFFmpeg

/// Owns one `SwsContext` (sws_getContext / sws_freeContext) converting one fixed input geometry
/// and pixel format to one output geometry and format.
final class ScaleContext {
    struct Geometry: Equatable {
        var width: Int32
        var height: Int32
        var format: AVPixelFormat
    }

    let pointer: OpaquePointer
    let source: Geometry
    let destination: Geometry

    init(from source: Geometry, to destination: Geometry) throws {
        guard let context = sws_getContext(
            source.width, source.height, source.format,
            destination.width, destination.height, destination.format,
            SWS_BILINEAR, nil, nil, nil
        ) else {
            throw MediaError.libav(
                "sws_getContext", streamd_averror(EINVAL),
                "\(source.width)x\(source.height) \(pixelFormatName(source.format)) → \(destination.width)x\(destination.height) \(pixelFormatName(destination.format))")
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
