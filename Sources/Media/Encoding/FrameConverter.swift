import LibAV

/// Brings decoded frames to the encoder's yuv420p at the output size. A frame already in that
/// shape (testsrc2 is yuv420p natively) passes through untouched; anything else is scaled into
/// one reused frame.
final class FrameConverter {
    private let target: ScaleContext.Geometry
    private var scaler: ScaleContext?
    private var output: Frame?

    init(width: Int, height: Int) {
        target = .init(width: Int32(width), height: Int32(height), format: .yuv420p)
    }

    /// Returns `frame` itself or the converted copy, valid until the next call.
    func convert(_ frame: Frame) throws -> Frame {
        let source = ScaleContext.Geometry(of: frame)
        if source == target { return frame }
        let scaler = try scaler(for: source)
        let output = try outputFrame()
        // The encoder may still reference the previous picture.
        try output.makeWritable()
        try scaler.scale(frame, into: output)
        return output
    }

    private func scaler(for source: ScaleContext.Geometry) throws -> ScaleContext {
        if let scaler, scaler.source == source { return scaler }
        let created = try ScaleContext(from: source, to: target)
        scaler = created
        return created
    }

    private func outputFrame() throws -> Frame {
        if let output { return output }
        let created = try Frame()
        try created.allocateBuffers(width: target.width, height: target.height, format: target.format)
        output = created
        return created
    }
}
