import LibAV

/// Brings any picture down to the motion detector's 64x36 grey bytes.
final class GreyPicture {
    private var scaler: ScaleContext?
    private var output: Frame?

    func bytes(of picture: Frame) throws -> [UInt8] {
        let source = ScaleContext.Geometry(of: picture)
        let target = ScaleContext.Geometry(width: Int32(MotionDetector.width), height: Int32(MotionDetector.height), format: .gray)
        if scaler?.source != source { scaler = try ScaleContext(from: source, to: target) }
        let output = try self.output ?? {
            let frame = try Frame()
            try frame.allocateBuffers(width: target.width, height: target.height, format: .gray)
            return frame
        }()
        self.output = output
        guard let scaler else { return [] }
        try scaler.scale(picture, into: output)
        return output.planeBytes(0)
    }
}
