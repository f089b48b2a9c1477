import CFFmpeg

/// VIDIOC_QUERYCAP on an open V4L2 node (the ioctl is a function-like macro; see shim.h).
public enum V4L2Capabilities {
    /// The device's capability bits, or the errno of the failed ioctl (ENOTTY for a file that is
    /// not a V4L2 device).
    public static func query(fileDescriptor fd: Int32) -> Result<UInt32, V4L2QueryError> {
        var capabilities: UInt32 = 0
        let code = streamd_v4l2_query_capabilities(fd, &capabilities)
        return code == 0 ? .success(capabilities) : .failure(V4L2QueryError(errno: code))
    }

    /// Whether `capabilities` include video capture (single- or multi-planar).
    public static func canCapture(_ capabilities: UInt32) -> Bool {
        capabilities & streamd_v4l2_capture_capabilities() != 0
    }
}

/// A failed VIDIOC_QUERYCAP.
public struct V4L2QueryError: Error, Sendable {
    public let errno: Int32
}
