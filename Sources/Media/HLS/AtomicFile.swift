import Foundation
import Glibc

/// Replaces a file atomically: write a temporary sibling, flush it, rename it over the target.
/// Readers (the HTTP server, a player) see the old file or the new one, never a part.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MediaError.fileSystem("create", temporary, errno: errno) }
        var failure: MediaError? = nil
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .fileSystem("write", temporary, errno: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = .fileSystem("flush", temporary, errno: errno) }
        if close(fd) != 0, failure == nil { failure = .fileSystem("close", temporary, errno: errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = .fileSystem("rename", path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Appends `data` in place (not atomic; for a few bytes when a rewrite is impossible),
    /// first adding a newline if the file does not end with one.
    static func append(_ data: Data, to url: URL, startingOnNewLine: Bool) throws {
        let path = url.path
        let fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw MediaError.fileSystem("open", path, errno: errno) }
        defer { close(fd) }
        var bytes = [UInt8](data)
        if startingOnNewLine {
            var last: UInt8 = 0
            let size = lseek(fd, 0, SEEK_END)
            if size > 0, pread(fd, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") {
                bytes.insert(UInt8(ascii: "\n"), at: 0)
            }
        }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw MediaError.fileSystem("append to", path, errno: written < 0 ? errno : ENOSPC)
        }
        guard fsync(fd) == 0 else { throw MediaError.fileSystem("flush", path, errno: errno) }
    }
}
