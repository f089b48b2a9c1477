import CFFmpeg

/// Pixel access for the frame analysis (thumbnail sheets, motion): planar 8-bit pictures only.
extension Frame {
    /// The bytes of `plane`, row after row without padding (a copy).
    public func planeBytes(_ plane: Int) -> [UInt8] {
        let (width, height) = planeSize(plane)
        let stride = Int(linesize(plane))
        guard width > 0, height > 0, let data = data(plane) else { return [] }
        var bytes = [UInt8](repeating: 0, count: width * height)
        bytes.withUnsafeMutableBufferPointer { out in
            for row in 0..<height {
                guard let base = out.baseAddress else { return }
                (base + row * width).update(from: data + row * stride, count: width)
            }
        }
        return bytes
    }

    /// Paints a yuv420p picture black (full range: Y 0, chroma 128).
    public func fillBlack() throws {
        guard pixelFormat == .yuv420p else { throw LibAVError.failed("fillBlack", .invalidData, "a \(pixelFormat) frame (yuv420p expected)") }
        try makeWritable()
        for plane in 0..<3 {
            let (width, height) = planeSize(plane)
            let stride = Int(linesize(plane))
            guard let data = data(plane) else { continue }
            for row in 0..<height { (data + row * stride).update(repeating: plane == 0 ? 0 : 128, count: width) }
        }
    }

    /// Copies the whole yuv420p picture `tile` into this yuv420p frame with its top-left corner at
    /// (`x`, `y`), both even; it must fit.
    public func paste(_ tile: Frame, atX x: Int32, y: Int32) throws {
        guard pixelFormat == .yuv420p, tile.pixelFormat == .yuv420p, x % 2 == 0, y % 2 == 0, x >= 0, y >= 0,
              x + tile.width <= width, y + tile.height <= height
        else {
            throw LibAVError.failed("paste", .invalidData, "a \(tile.width)x\(tile.height) \(tile.pixelFormat) tile at \(x),\(y) into \(width)x\(height) \(pixelFormat)")
        }
        try makeWritable()
        for plane in 0..<3 {
            let shift: Int32 = plane == 0 ? 0 : 1
            let (tileWidth, tileHeight) = tile.planeSize(plane)
            guard let destination = data(plane), let source = tile.data(plane) else { continue }
            let offset = Int(y >> shift) * Int(linesize(plane)) + Int(x >> shift)
            av_image_copy_plane(destination + offset, linesize(plane), source, tile.linesize(plane), Int32(tileWidth), Int32(tileHeight))
        }
    }

    /// A new reference to this picture that covers only its top-left `width` x `height` (same
    /// buffers, same strides): what an encoder sees of a partly filled sheet.
    public func topLeft(width: Int32, height: Int32) throws -> Frame {
        let region = try Frame()
        let code = av_frame_ref(region.pointer, pointer)
        if code < 0 { throw LibAVError.failed("av_frame_ref", AVErrorCode(rawValue: code), "a \(self.width)x\(self.height) frame") }
        region.pointer.pointee.width = min(width, self.width)
        region.pointer.pointee.height = min(height, self.height)
        return region
    }

    private func data(_ plane: Int) -> UnsafeMutablePointer<UInt8>? {
        withUnsafePointer(to: pointer.pointee.data) { tuple in
            tuple.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { $0[plane] }
        }
    }

    private func linesize(_ plane: Int) -> Int32 {
        withUnsafePointer(to: pointer.pointee.linesize) { tuple in
            tuple.withMemoryRebound(to: Int32.self, capacity: 8) { $0[plane] }
        }
    }

    /// Width and height in bytes of `plane` for gray and yuv420p (chroma halved, rounded up).
    private func planeSize(_ plane: Int) -> (Int, Int) {
        let width = Int(self.width), height = Int(self.height)
        if plane == 0 { return (width, height) }
        return ((width + 1) / 2, (height + 1) / 2)
    }
}
