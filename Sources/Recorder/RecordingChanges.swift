import Synchronization

/// The writer's change signal for a recording's files: the pipeline knows when it has renamed a new
/// playlist into place (a segment closed, the trailer written), and delete and recovery know when they
/// rewrite or remove files. Readers compare a generation instead of calling `stat` on every request,
/// and blocking playlist reloads wait here instead of polling.
public final class RecordingChanges: Sendable {
    /// One recording's generation; a reader keeps the object and compares with one atomic load.
    public final class Counter: Sendable {
        private let value = Atomic<UInt64>(0)
        private let waiters = Mutex<(next: UInt64, parked: [UInt64: CheckedContinuation<Void, Never>])>((0, [:]))

        public var generation: UInt64 { value.load(ordering: .acquiring) }
        /// Requests parked until the next change (what tests wait on).
        public var waiting: Int { waiters.withLock { $0.parked.count } }

        func bump() {
            value.add(1, ordering: .releasing)
            let woken = waiters.withLock { state in
                let parked = state.parked
                state.parked = [:]
                return parked
            }
            for continuation in woken.values { continuation.resume() }
        }

        /// Returns once the generation is past `seen`, or after `timeout`, whichever comes first.
        public func wait(past seen: UInt64, timeout: Duration) async {
            guard generation == seen else { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.park(past: seen) }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
        }

        private func park(past seen: UInt64) async {
            let id = waiters.withLock { state in
                state.next += 1
                return state.next
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = waiters.withLock { state -> Bool in
                        // Checked under the lock that bump() takes after advancing: no change is missed.
                        if generation != seen || Task.isCancelled { return true }
                        state.parked[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                waiters.withLock { $0.parked.removeValue(forKey: id) }?.resume()
            }
        }
    }

    private let counters = Mutex<[String: Counter]>([:])

    public init() {}

    /// The counter of one recording (made on first use; one small object per recording name asked for).
    public func counter(for sessionId: String) -> Counter {
        counters.withLock { counters in
            if let found = counters[sessionId] { return found }
            let made = Counter()
            counters[sessionId] = made
            return made
        }
    }

    public func existingCounter(for sessionId: String) -> Counter? {
        counters.withLock { $0[sessionId] }
    }

    /// The files of `sessionId` changed: cached copies are stale, and blocked reloads look again.
    public func changed(_ sessionId: String) {
        counter(for: sessionId).bump()
    }
}
