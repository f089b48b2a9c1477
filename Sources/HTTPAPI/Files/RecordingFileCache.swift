import Foundation
import NIOCore
import Synchronization
import _NIOFileSystem

/// Every live viewer asks for the same playlist and newest segments, which change only when the muxer
/// renames a new version into place: keep the most recent files in memory (bounded by bytes), keyed by
/// path and validated by modification time and size, so a popular file is read from disk once, and
/// never on the event loop.
final class RecordingFileCache: Sendable {
    private struct Entry {
        var modified: timespec
        var bytes: ByteBuffer
    }

    private let state = Mutex<(entries: [String: Entry], order: [String], total: Int)>(([:], [], 0))
    let capacityBytes: Int
    /// Larger files are read (or streamed) but not kept.
    let maximumEntryBytes: Int

    init(capacityBytes: Int = 16 * 1024 * 1024, maximumEntryBytes: Int = 4 * 1024 * 1024) {
        self.capacityBytes = capacityBytes
        self.maximumEntryBytes = maximumEntryBytes
    }

    func accepts(size: Int) -> Bool { size <= maximumEntryBytes }

    /// The file's bytes, from memory when its mtime and size still match, else read (without blocking
    /// the event loop) and kept.
    func bytes(path: String, modified: timespec, size: Int) async throws -> ByteBuffer {
        if let hit = lookup(path: path, modified: modified, size: size) { return hit }
        let bytes = try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(max(size, maximumEntryBytes))))
        }
        // A file that changed between stat and read is served as read, but not kept.
        if bytes.readableBytes == size, accepts(size: size) { store(bytes, path: path, modified: modified) }
        return bytes
    }

    private func lookup(path: String, modified: timespec, size: Int) -> ByteBuffer? {
        state.withLock { state in
            guard let entry = state.entries[path], entry.bytes.readableBytes == size,
                  entry.modified.tv_sec == modified.tv_sec, entry.modified.tv_nsec == modified.tv_nsec
            else { return nil }
            return entry.bytes
        }
    }

    private func store(_ bytes: ByteBuffer, path: String, modified: timespec) {
        state.withLock { state in
            if let old = state.entries[path] {
                state.total -= old.bytes.readableBytes
            } else {
                state.order.append(path)
            }
            state.entries[path] = Entry(modified: modified, bytes: bytes)
            state.total += bytes.readableBytes
            while state.total > capacityBytes, !state.order.isEmpty {
                let evicted = state.order.removeFirst()
                if let entry = state.entries.removeValue(forKey: evicted) { state.total -= entry.bytes.readableBytes }
            }
        }
    }
}
