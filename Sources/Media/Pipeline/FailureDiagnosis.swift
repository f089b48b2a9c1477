import Foundation
import Glibc

/// Turns a failure into the sentence a recording's `failed` reason carries. The HLS muxer does
/// not always report a full disk as ENOSPC (a short write can surface later as an empty
/// playlist), so a nearly full file system is named as the cause.
enum FailureDiagnosis {
    /// Below this many free bytes the disk is taken to be the cause.
    static let fullDiskThreshold: Int64 = 1 << 20

    static func reason(for error: Error, directory: URL) -> String {
        if let free = availableBytes(at: directory), free < fullDiskThreshold,
           posixErrno(of: error) != ENOSPC {
            let full = MediaError.fileSystem("write the recording to", directory.path, errno: ENOSPC)
            return "\(full) (\(error))"
        }
        return "\(error)"
    }

    /// Bytes an unprivileged writer can still use on the file system holding `url` (or its
    /// nearest existing parent).
    static func availableBytes(at url: URL) -> Int64? {
        var path = url.path
        var info = statvfs()
        while statvfs(path, &info) != 0 {
            guard errno == ENOENT, path != "/" else { return nil }
            path = (path as NSString).deletingLastPathComponent
        }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
