import Foundation
import LibAV

/// Every failure the Media module reports beyond a failed libav call (`LibAVError`). Each case
/// carries the OS error where there is one, its text, and what was being done to what, so the
/// description is a sentence an operator can act on.
public enum MediaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The camera node could not be opened or is not a V4L2 capture device. `errno` is the OS error
    /// (ENOENT missing, EBUSY in use, EACCES permissions, ENOTTY not a camera).
    case deviceUnavailable(device: String, errno: Int32, message: String)
    /// The source delivered no frame for `seconds`.
    case sourceStalled(source: String, seconds: Double)
    /// The source ended its stream although the recording was not finished.
    case sourceEnded(source: String)
    /// A file-system operation on recording files failed.
    case fileSystem(operation: String, path: String, errno: Int32, message: String)
    /// A playlist on disk could not be understood.
    case malformedPlaylist(path: String, reason: String)
    /// The recording spec asks for something the pipeline cannot do.
    case invalidSpec(reason: String)

    public var description: String {
        switch self {
        case let .deviceUnavailable(device, _, message):
            return "Cannot open video device \(device): \(message)"
        case let .sourceStalled(source, seconds):
            return "No frame arrived from \(source) for \(formatSeconds(seconds)) s; the source stalled or was unplugged"
        case let .sourceEnded(source):
            return "The video source \(source) ended its stream before the recording was finished"
        case let .fileSystem(operation, path, _, message):
            return "Cannot \(operation) \(path): \(message)"
        case let .malformedPlaylist(path, reason):
            return "The playlist \(path) is not usable: \(reason)"
        case let .invalidSpec(reason):
            return "Invalid recording settings: \(reason)"
        }
    }

    /// The POSIX errno behind the failure, when there is one.
    public var posixErrno: Int32? {
        switch self {
        case let .deviceUnavailable(_, errno, _): return errno
        case let .fileSystem(_, _, errno, _): return errno
        default: return nil
        }
    }
}

private func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
}

extension MediaError {
    /// A `.fileSystem` error from the current `errno`.
    static func fileSystem(_ operation: String, _ path: String, errno code: Int32) -> MediaError {
        .fileSystem(operation: operation, path: path, errno: code, message: String(cString: strerror(code)))
    }
}

/// The POSIX errno behind any failure the pipeline reports: a Media one or a failed libav call.
func posixErrno(of error: Error) -> Int32? {
    if let error = error as? MediaError { return error.posixErrno }
    if let error = error as? LibAVError { return error.posixErrno }
    return nil
}
