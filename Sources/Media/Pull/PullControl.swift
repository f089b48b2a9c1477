import Dispatch
import Foundation
import Synchronization

/// The thread-safe state of one pull: stop, the deadline of a blocking open, and the stall
/// watchdog of the connection being read. libavformat's interrupt callback asks it whether
/// to give up; a stall or a passed deadline ends only the current connection, a stop all of it.
final class PullControl: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let startRequested = Atomic<Bool>(false)
    private let stalled = Atomic<Bool>(false)
    /// Monotonic nanoseconds; 0 when no open is under way.
    private let openDeadline = Atomic<UInt64>(0)
    private let lastPacketNanos = Atomic<UInt64>(0)
    private let condition = NSCondition()

    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }
    var isStartRequested: Bool { startRequested.load(ordering: .acquiring) }
    var isStalled: Bool { stalled.load(ordering: .acquiring) }

    /// Whether blocking libav I/O should give up now.
    var shouldInterrupt: Bool {
        isStopRequested || isStalled || openDeadlinePassed
    }

    /// An open is under way and its deadline has passed.
    var openDeadlinePassed: Bool {
        let deadline = openDeadline.load(ordering: .acquiring)
        return deadline != 0 && MonotonicClock.nanoseconds() >= deadline
    }

    var interruptCheck: @Sendable () -> Bool {
        { [self] in shouldInterrupt }
    }

    func requestStop() {
        if !stopRequested.exchange(true, ordering: .acquiringAndReleasing) { wake() }
    }

    func requestStart() {
        if !startRequested.exchange(true, ordering: .acquiringAndReleasing) { wake() }
    }

    /// An open may block until `seconds` from now; `nil` lifts the deadline.
    func setOpenDeadline(seconds: Double?) {
        openDeadline.store(seconds.map { MonotonicClock.nanoseconds() + UInt64($0 * 1e9) } ?? 0, ordering: .releasing)
    }

    /// A new connection: not stalled, its clock starts now.
    func beginConnection() {
        stalled.store(false, ordering: .releasing)
        notePacket()
    }

    func notePacket() {
        lastPacketNanos.store(MonotonicClock.nanoseconds(), ordering: .releasing)
    }

    /// Called by the pull's watchdog on the shared stall-check thread.
    func checkStall(timeoutNanos: UInt64) {
        let last = lastPacketNanos.load(ordering: .acquiring)
        guard last != 0 else { return }
        let now = MonotonicClock.nanoseconds()
        if now > last, now - last > timeoutNanos, !stalled.exchange(true, ordering: .acquiringAndReleasing) { wake() }
    }

    /// Stops the stall watchdog's clock between connections and clears a stall, so the next
    /// open is not interrupted by the last connection's.
    func endConnection() {
        lastPacketNanos.store(0, ordering: .releasing)
        stalled.store(false, ordering: .releasing)
    }

    /// Sleeps for `seconds` unless stopped first (returns true then).
    func sleep(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !isStopRequested, Date() < deadline { _ = condition.wait(until: deadline) }
        return isStopRequested
    }

    /// Waits until start or stop is requested; true when started.
    func waitForStart() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !isStopRequested, !isStartRequested { condition.wait() }
        return !isStopRequested
    }

    private func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }
}
