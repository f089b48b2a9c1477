import LibAV
import Glibc

/// A quick check that a camera node can be used, without starting capture.
public enum CameraProbe {
    /// Video4Linux's character-device major number (Documentation/admin-guide/devices.txt).
    static let videoMajor: UInt32 = 81

    /// Checks `device` with `stat` before anything opens it: only a V4L2 character device (major 81)
    /// is opened (read-write, non-blocking, never as a controlling terminal), asked for its V4L2
    /// capabilities and closed. Anything else — a regular file, a FIFO, a terminal, `/dev/null`,
    /// `/dev/fd/N` — is refused without being opened, with the same message whatever it is.
    /// Throws `MediaError.deviceUnavailable` with ENOENT (missing), ENOTTY (not a V4L2 device), EBUSY
    /// (in use), EACCES (permissions) or ENODEV (a V4L2 node that cannot capture video).
    public static func check(device: String) throws {
        var status = stat()
        guard stat(device, &status) == 0 else {
            let code = errno
            throw MediaError.deviceUnavailable(device: device, errno: code, message: String(cString: strerror(code)))
        }
        guard isVideoDevice(status) else { throw notAVideoDevice(device) }
        let fd = Glibc.open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            throw MediaError.deviceUnavailable(device: device, errno: code, message: String(cString: strerror(code)))
        }
        defer { close(fd) }
        // The node may have been replaced between stat and open.
        guard fstat(fd, &status) == 0, isVideoDevice(status) else { throw notAVideoDevice(device) }
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

    /// Whether a node exists at `device` (following symlinks, as /dev/v4l/by-id/ names are), without
    /// opening it.
    public static func exists(_ device: String) -> Bool {
        var status = stat()
        return stat(device, &status) == 0
    }

    static func isVideoDevice(_ status: stat) -> Bool {
        status.st_mode & S_IFMT == S_IFCHR && major(status.st_rdev) == videoMajor
    }

    /// glibc's `major()` is a macro: the Linux encoding of dev_t, spelled out.
    static func major(_ device: dev_t) -> UInt32 {
        let value = UInt64(device)
        return UInt32(truncatingIfNeeded: ((value >> 8) & 0xFFF) | ((value >> 32) & ~UInt64(0xFFF)))
    }

    private static func notAVideoDevice(_ device: String) -> MediaError {
        .deviceUnavailable(device: device, errno: ENOTTY, message: "it is not a V4L2 video device (a character device with major number 81)")
    }
}
