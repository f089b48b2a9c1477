import Foundation

/// Free space on the volume that holds a path, as the filesystem reports it to unprivileged users.
public enum DiskSpace {
    public static func availableBytes(at url: URL) -> Int64? {
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// Bytes of the regular files under each top-level directory of `url` (not following symlinks),
    /// keyed by the directory's name, in one walk.
    public static func usedBytesPerDirectory(in url: URL) -> [String: Int64] {
        guard let walker = FileManager.default.enumerator(
            at: url, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey], options: [])
        else { return [:] }
        let base = url.standardizedFileURL.pathComponents.count
        var sizes: [String: Int64] = [:]
        for case let file as URL in walker {
            let components = file.standardizedFileURL.pathComponents
            guard components.count > base + 1 else { continue }
            do {
                let values = try file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
                if values.isRegularFile == true { sizes[components[base], default: 0] += Int64(values.fileSize ?? 0) }
            } catch {
                // A file removed while we walk (a segment rotated, a session deleted) holds no bytes.
                continue
            }
        }
        return sizes
    }
}
