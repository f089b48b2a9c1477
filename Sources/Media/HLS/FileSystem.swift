import Foundation
import Glibc

/// Small POSIX helpers whose errors carry errno, so ENOSPC, EACCES and EROFS reach the caller.
enum FileSystem {
    /// `mkdir -p`.
    static func makeDirectory(_ url: URL) throws {
        var path = ""
        for component in url.standardizedFileURL.path.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                throw MediaError.fileSystem("create the directory", path, errno: errno)
            }
        }
        var status = stat()
        guard stat(path.isEmpty ? "/" : path, &status) == 0 else {
            throw MediaError.fileSystem("create the directory", path, errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw MediaError.fileSystem("create the directory", path, errno: ENOTDIR)
        }
    }

    static func fileSize(_ name: String, in directory: URL) -> Int64 {
        var status = stat()
        guard stat(directory.appendingPathComponent(name).path, &status) == 0 else { return 0 }
        return Int64(status.st_size)
    }
}
