import Foundation
import Synchronization

/// The thread-safe state shared between a pipeline's thread, `stop()` and the stall watchdog:
/// stop and stall flags, the time of the last frame, and an interruptible wait.
final class PipelineControl: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let stalled = Atomic<Bool>(false)
    private let lastFrameNanos = Atomic<UInt64>(MonotonicClock.nanoseconds())
    private let condition = NSCondition()

    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }
    var isStalled: Bool { stalled.load(ordering: .acquiring) }
    /// Whether blocking work on the pipeline thread should give up now.
    var shouldInterrupt: Bool { isStopRequested || isStalled }

    func requestStop() {
        if !stopRequested.exchange(true, ordering: .acquiringAndReleasing) { wakeWaiters() }
    }

    func reportStall() {
        if !stalled.exchange(true, ordering: .acquiringAndReleasing) { wakeWaiters() }
    }

    /// Feeds the watchdog: a frame arrived now.
    func noteFrame() {
        lastFrameNanos.store(MonotonicClock.nanoseconds(), ordering: .releasing)
    }

    var nanosecondsSinceLastFrame: UInt64 {
        let last = lastFrameNanos.load(ordering: .acquiring)
        let now = MonotonicClock.nanoseconds()
        return now > last ? now - last : 0
    }

    /// Sleeps until the monotonic time `deadline`, returning early (true) when a stop or stall is
    /// signalled.
    func wait(untilMonotonic deadline: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !shouldInterrupt {
            let now = MonotonicClock.nanoseconds()
            if now >= deadline { return false }
            let wallDeadline = Date(timeIntervalSinceNow: Double(deadline - now) / 1e9)
            _ = condition.wait(until: wallDeadline)
        }
        return true
    }

    private func wakeWaiters() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Polled by libav during blocking input I/O (the input's interrupt callback).
    var interruptCheck: @Sendable () -> Bool {
        { [self] in shouldInterrupt }
    }
}
