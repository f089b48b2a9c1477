import Foundation

/// A finished export in the cache.
public struct ExportFile: Sendable, Equatable {
    public var path: String
    /// The cache key: names the exact segments and range, so it is also the file's ETag.
    public var key: String
    public var bytes: Int64
}

/// Finished exports under `data/exports/<key>.mp4`, at most `capacityBytes` in total: beyond it the
/// least recently used go (the newest is kept even when it alone is larger). Two requests for
/// one key share one remux; a remux writes a temporary file that is renamed into place, so a
/// crash leaves no half file under a real key. Use is remembered in the files' modification
/// times, so the order survives a restart.
public actor ExportCache {
    private struct Entry {
        var bytes: Int64
        var lastUsed: UInt64
        /// Sessions whose segments it holds (unknown, empty, for files found at start).
        var sessions: Set<String>
    }

    public nonisolated let directory: URL
    public nonisolated let capacityBytes: Int64
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<ExportFile, any Error>] = [:]
    private var useClock: UInt64 = 0
    private var loaded = false
    /// Remuxes started since this cache was made (tests count single-flight with it).
    public private(set) var remuxCount = 0
    /// Remuxes running at once at most: each reads and writes at disk speed, so more only share the
    /// disk and hold more threads; the rest wait their turn in order.
    public nonisolated let maxConcurrentRemuxes: Int
    private var runningRemuxes = 0
    private var waitingRemuxes: [CheckedContinuation<Void, Never>] = []

    public init(directory: URL, capacityBytes: Int64, maxConcurrentRemuxes: Int = 2) {
        self.directory = directory
        self.capacityBytes = capacityBytes
        self.maxConcurrentRemuxes = max(1, maxConcurrentRemuxes)
    }

    public var totalBytes: Int64 { entries.values.reduce(0) { $0 + $1.bytes } }
    public var keys: Set<String> { Set(entries.keys) }

    /// The export named `key`: from the cache, from a remux already running for it, or made now
    /// by `make`, which writes the file at the path it is given.
    public func file(
        key: String, sessions: Set<String>, make: @escaping @Sendable (_ temporaryPath: String) async throws -> Void
    ) async throws -> ExportFile {
        loadIfNeeded()
        if let hit = hit(key) { return hit }
        if let running = inFlight[key] { return try await running.value }
        let task = Task { try await self.produce(key: key, sessions: sessions, make: make) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        return try await task.value
    }

    /// The file of `key` when the cache has it (marks it used).
    public func cached(_ key: String) -> ExportFile? {
        loadIfNeeded()
        return hit(key)
    }

    /// Removes the exports that hold segments of `sessionId` (its recording was deleted).
    public func drop(sessionId: String) {
        for (key, entry) in entries where entry.sessions.contains(sessionId) { remove(key) }
    }

    private func path(for key: String) -> String { directory.appendingPathComponent("\(key).mp4").path }

    private func hit(_ key: String) -> ExportFile? {
        guard var entry = entries[key] else { return nil }
        let path = path(for: key)
        var info = stat()
        guard stat(path, &info) == 0 else {
            entries[key] = nil  // removed by hand
            return nil
        }
        useClock += 1
        entry.lastUsed = useClock
        entries[key] = entry
        utimes(path, nil)
        return ExportFile(path: path, key: key, bytes: Int64(info.st_size))
    }

    private func produce(
        key: String, sessions: Set<String>, make: @Sendable (_ temporaryPath: String) async throws -> Void
    ) async throws -> ExportFile {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(key).\(UUID().uuidString).tmp").path
        remuxCount += 1
        await acquireRemuxSlot()
        do {
            try await make(temporary)
            releaseRemuxSlot()
        } catch {
            releaseRemuxSlot()
            unlink(temporary)
            throw error
        }
        let final = path(for: key)
        var info = stat()
        guard stat(temporary, &info) == 0, rename(temporary, final) == 0 else {
            let code = errno
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot move the export into \(final): \(String(cString: strerror(code)))"])
        }
        useClock += 1
        entries[key] = Entry(bytes: Int64(info.st_size), lastUsed: useClock, sessions: sessions)
        evict(keeping: key)
        return ExportFile(path: final, key: key, bytes: Int64(info.st_size))
    }

    private func acquireRemuxSlot() async {
        if runningRemuxes < maxConcurrentRemuxes {
            runningRemuxes += 1
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in waitingRemuxes.append(continuation) }
    }

    /// Hands the slot to the next waiter, or frees it.
    private func releaseRemuxSlot() {
        if waitingRemuxes.isEmpty {
            runningRemuxes -= 1
        } else {
            waitingRemuxes.removeFirst().resume()
        }
    }

    /// Least recently used first, until the total fits (never `keeping`, the one just asked for).
    private func evict(keeping: String) {
        var total = totalBytes
        let order = entries.filter { $0.key != keeping }.sorted { $0.value.lastUsed < $1.value.lastUsed }
        for (key, entry) in order where total > capacityBytes {
            remove(key)
            total -= entry.bytes
        }
    }

    private func remove(_ key: String) {
        unlink(path(for: key))
        entries[key] = nil
    }

    /// Files left by an earlier run: finished exports join in their last-use order; temporary
    /// files of remuxes a crash interrupted go.
    private func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }  // none yet
        var found: [(key: String, bytes: Int64, modified: Int)] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            if name.hasPrefix("."), name.hasSuffix(".tmp") {
                unlink(path)
                continue
            }
            var info = stat()
            guard name.hasSuffix(".mp4"), stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            found.append((String(name.dropLast(4)), Int64(info.st_size), info.st_mtim.tv_sec))
        }
        for file in found.sorted(by: { $0.modified < $1.modified }) {
            useClock += 1
            entries[file.key] = Entry(bytes: file.bytes, lastUsed: useClock, sessions: [])
        }
        if let newest = found.max(by: { $0.modified < $1.modified }) { evict(keeping: newest.key) }
    }
}
