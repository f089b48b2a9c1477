import Synchronization

/// Every live viewer asks for the same playlist and newest segments: keep the most recent served files
/// in memory (bounded by bytes, oldest stored first out), keyed by `<id>/<name>`, so a popular file is
/// read from disk once, and never on the event loop. Validity is the caller's (`ServedFile.isFresh`,
/// or a fresh `stat` on the slow path).
final class RecordingFileCache: Sendable {
    private let state = Mutex<(entries: [String: ServedFile], order: [String], total: Int)>(([:], [], 0))
    let capacityBytes: Int
    /// Larger files are streamed from disk, not kept.
    let maximumEntryBytes: Int

    init(capacityBytes: Int = 16 * 1024 * 1024, maximumEntryBytes: Int = 4 * 1024 * 1024) {
        self.capacityBytes = capacityBytes
        self.maximumEntryBytes = maximumEntryBytes
    }

    func accepts(size: Int) -> Bool { size <= maximumEntryBytes }

    func lookup(_ key: String) -> ServedFile? {
        state.withLock { $0.entries[key] }
    }

    func remove(_ key: String) {
        state.withLock { state in
            guard let old = state.entries.removeValue(forKey: key) else { return }
            state.total -= old.bodySize
            state.order.removeAll { $0 == key }
        }
    }

    func store(_ file: ServedFile, key: String) {
        guard accepts(size: file.bodySize) else { return }
        state.withLock { state in
            if let old = state.entries[key] {
                state.total -= old.bodySize
            } else {
                state.order.append(key)
            }
            state.entries[key] = file
            state.total += file.bodySize
            while state.total > capacityBytes, !state.order.isEmpty {
                let evicted = state.order.removeFirst()
                if let entry = state.entries.removeValue(forKey: evicted) { state.total -= entry.bodySize }
            }
        }
    }
}
