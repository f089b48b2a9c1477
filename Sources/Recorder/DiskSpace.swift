import Foundation

/// Free space on the volume that holds a path, as the filesystem reports it to unprivileged users.
public enum DiskSpace {
    public static func availableBytes(at url: URL) -> Int64? {
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// Total bytes of the regular files under a directory (not following symlinks).
    public static func usedBytes(under url: URL) -> Int64 {
        guard let walker = FileManager.default.enumerator(
            at: url, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey], options: [])
        else { return 0 }
        var total: Int64 = 0
        for case let file as URL in walker {
            do {
                let values = try file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
                if values.isRegularFile == true { total += Int64(values.fileSize ?? 0) }
            } catch {
                // A file removed while we walk (a segment rotated, a session deleted) holds no bytes.
                continue
            }
        }
        return total
    }
}
