import CFFmpeg

/// Owns one `SwsContext` (sws_alloc_context + sws_init_context / sws_freeContext) converting one
/// fixed input geometry and pixel format to one output geometry and format.
public final class ScaleContext {
    public struct Geometry: Equatable, Sendable {
        public var width: Int32
        public var height: Int32
        public var format: PixelFormat
        /// JPEG range (0–255) rather than video range (16–235).
        public var fullRange: Bool

        public init(width: Int32, height: Int32, format: PixelFormat, fullRange: Bool = false) {
            self.width = width
            self.height = height
            self.format = format
            self.fullRange = fullRange
        }

        /// The geometry of `frame`.
        public init(of frame: Frame) {
            self.init(width: frame.width, height: frame.height, format: frame.pixelFormat, fullRange: frame.isFullRange)
        }
    }

    let pointer: OpaquePointer
    public let source: Geometry
    public let destination: Geometry

    /// The ranges are set before initialisation: only then does swscale pick a converting path
    /// rather than a plain copy between identical formats. (yuvj* formats are full range anyway.)
    public init(from source: Geometry, to destination: Geometry) throws {
        let description = "\(source.width)x\(source.height) \(source.format) → \(destination.width)x\(destination.height) \(destination.format)"
        guard let context = sws_alloc_context() else {
            throw LibAVError.failed("sws_alloc_context", .outOfMemory, description)
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
                throw LibAVError.failed("av_opt_set_int(\(name))", AVErrorCode(rawValue: code), description)
            }
        }
        let code = sws_init_context(context, nil, nil)
        if code < 0 {
            sws_freeContext(context)
            throw LibAVError.failed("sws_init_context", AVErrorCode(rawValue: code), description)
        }
        pointer = context
        self.source = source
        self.destination = destination
    }

    deinit { sws_freeContext(pointer) }

    /// Scales `input` into `output`, whose buffers must already be allocated and writable.
    public func scale(_ input: Frame, into output: Frame) throws {
        let code = sws_scale_frame(pointer, output.pointer, input.pointer)
        if code < 0 { throw LibAVError.failed("sws_scale_frame", AVErrorCode(rawValue: code), "a \(source.width)x\(source.height) frame") }
    }
}
