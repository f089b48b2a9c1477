import Foundation
import Synchronization

/// Playlists are read by every player every segment; they change only when the muxer renames a new
/// version into place. Keyed by path and validated by modification time and size (from the `lstat`
/// the file controller does anyway), a hit costs no read. Bounded: the oldest entries go first.
final class PlaylistCache: Sendable {
    struct Entry: Sendable {
        var modified: timespec
        var size: Int
        var text: String
    }

    private let entries = Mutex<(map: [String: Entry], order: [String])>(([:], []))
    let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    func text(path: String, modified: timespec, size: Int) -> String? {
        entries.withLock { state in
            guard let entry = state.map[path], entry.size == size,
                  entry.modified.tv_sec == modified.tv_sec, entry.modified.tv_nsec == modified.tv_nsec
            else { return nil }
            return entry.text
        }
    }

    func store(_ text: String, path: String, modified: timespec, size: Int) {
        entries.withLock { state in
            if state.map[path] == nil {
                state.order.append(path)
                if state.order.count > capacity {
                    state.map[state.order.removeFirst()] = nil
                }
            }
            state.map[path] = Entry(modified: modified, size: size, text: text)
        }
    }
}
