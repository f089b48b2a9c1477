import Glibc
import LibAV

/// A V4L2 camera through libavdevice's v4l2 input. Opened non-blocking so a read without a
/// frame returns EAGAIN and the pipeline can notice stop() and the stall watchdog; the frames'
/// wall-clock timestamps are rebased to the first frame by the pipeline.
enum V4L2Source {
    /// The order in which formats are tried when none is configured.
    static let negotiationOrder: [String?] = ["mjpeg", "yuyv422", nil]

    /// OS errors that mean the device itself is unusable: trying another format will not help.
    private static let deviceErrors: Set<Int32> = [ENOENT, ENODEV, ENXIO, EBUSY, EACCES, EPERM, ENOTTY]

    static func open(device: String, inputFormat: String?, width: Int, height: Int, fps: Int,
                     control: PipelineControl) throws -> VideoSource {
        try CameraProbe.check(device: device)
        let candidates = inputFormat.map { [$0] } ?? negotiationOrder
        var lastError: Error = MediaError.deviceUnavailable(device: device, errno: EINVAL, message: "no usable video format")
        for format in candidates {
            var options = [("video_size", "\(width)x\(height)"), ("framerate", "\(fps)")]
            if let format { options.append(("input_format", format)) }
            do {
                let input = try InputFormatContext(
                    url: device, formatName: "v4l2", options: options,
                    shouldInterrupt: control.interruptCheck, nonBlocking: true, source: device)
                return try VideoSource(input: input, name: device, needsPacing: false)
            } catch let error as LibAVError where error.posixErrno.map(deviceErrors.contains) == true {
                let code = error.posixErrno ?? EINVAL
                throw MediaError.deviceUnavailable(device: device, errno: code, message: String(cString: strerror(code)))
            } catch {
                lastError = error
            }
        }
        throw lastError
    }
}
