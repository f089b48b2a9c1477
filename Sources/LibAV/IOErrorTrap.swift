import CFFmpeg

/// The HLS muxer opens and closes each segment and playlist itself and ignores the error a failed
/// write leaves on the AVIOContext (a full disk, EFBIG, EIO): the segment would end up truncated and
/// listed as if whole. Installed as the context's `io_close2`, this keeps the first such error so the
/// writer can fail the recording instead.
final class IOErrorTrap {
    private(set) var firstError: Int32?

    func record(_ code: Int32) {
        if firstError == nil { firstError = code }
    }

    /// Points `context` at this trap; the trap must outlive the context's last close.
    func install(on context: UnsafeMutablePointer<AVFormatContext>) {
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
        context.pointee.io_close2 = { context, pb in
            guard let pb else { return 0 }
            let pending = pb.pointee.error
            let closed = avio_close(pb)
            let code = pending < 0 ? pending : closed
            if code < 0, let opaque = context?.pointee.opaque {
                Unmanaged<IOErrorTrap>.fromOpaque(opaque).takeUnretainedValue().record(code)
            }
            return code
        }
    }
}
