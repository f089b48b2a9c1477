import Foundation
import Synchronization

/// Runs the stall checks of every live pipeline and pull from one thread of its own.
///
/// A blocked device or network read never consults the interrupt callback by itself, so something
/// outside the pipeline's thread must notice that no frame arrived. This used to be one dispatch
/// timer source per pipeline, cancelled in its owner's `deinit`; on Linux, libdispatch once trapped
/// in that cancel ("Source finalized twice", `_dispatch_source_refs_finalize_unregistration`) and
/// took the whole process down. A plain thread and a lock have no such teardown.
final class StallChecks: Sendable {
    static let shared = StallChecks(tickMilliseconds: 100)

    private struct State {
        var checks: [UInt64: @Sendable () -> Void] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Wakes the thread when the first check arrives; it sleeps on it while there is none.
    private let wake = NSCondition()
    private let tick: timespec

    /// Made on first use (`shared` is lazy), so a process without pipelines has no such thread.
    private init(tickMilliseconds: Int) {
        tick = timespec(tv_sec: tickMilliseconds / 1000, tv_nsec: (tickMilliseconds % 1000) * 1_000_000)
        let thread = Thread { [self] in loop() }
        thread.name = "streamd.stall-checks"
        thread.start()
    }

    /// Adds a check that runs every tick until `remove(_:)`; returns its key.
    func add(_ check: @escaping @Sendable () -> Void) -> UInt64 {
        let id = state.withLock { state in
            state.nextID += 1
            state.checks[state.nextID] = check
            return state.nextID
        }
        wake.lock()
        wake.signal()
        wake.unlock()
        return id
    }

    func remove(_ id: UInt64) {
        _ = state.withLock { $0.checks.removeValue(forKey: id) }
    }

    private func loop() {
        while true {
            // Read under the condition's lock: `add` signals under it after inserting, so a check
            // that arrives now is either seen here or wakes the wait.
            wake.lock()
            while state.withLock({ $0.checks.isEmpty }) { wake.wait() }
            wake.unlock()
            // A relative sleep: a wall clock set back (NTP on a box without a clock) cannot stretch it.
            var request = tick, remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
            for check in state.withLock({ Array($0.checks.values) }) { check() }
        }
    }
}
