import LibAV
import Glibc

/// A quick check that a camera node can be used, without starting capture.
public enum CameraProbe {
    /// Opens `device` read-write non-blocking, asks it for its V4L2 capabilities and closes it.
    /// Throws `MediaError.deviceUnavailable` with the OS error: ENOENT (missing), EBUSY (in use),
    /// EACCES (permissions), ENOTTY (not a V4L2 device, e.g. /dev/null or a regular file),
    /// ENODEV (a V4L2 node that cannot capture video).
    public static func check(device: String) throws {
        let fd = Glibc.open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw MediaError.deviceUnavailable(device: device, errno: code, message: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) == 0, status.st_mode & S_IFMT != S_IFCHR {
            throw MediaError.deviceUnavailable(
                device: device, errno: ENOTTY, message: "it is not a character device, so not a camera")
        }
        let capabilities: UInt32
        switch V4L2Capabilities.query(fileDescriptor: fd) {
        case .success(let bits):
            capabilities = bits
        case .failure(let failure):
            throw MediaError.deviceUnavailable(
                device: device, errno: failure.errno,
                message: "it is not a V4L2 video device (\(String(cString: strerror(failure.errno))))")
        }
        guard V4L2Capabilities.canCapture(capabilities) else {
            throw MediaError.deviceUnavailable(
                device: device, errno: ENODEV, message: "the V4L2 device cannot capture video")
        }
    }
}
