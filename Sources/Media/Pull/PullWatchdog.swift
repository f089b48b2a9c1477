/// Flags the current connection of a pull as stalled when no packet arrived for the timeout: the
/// interrupt callback then makes the blocked read give up, and the pull reconnects. Checks run on
/// the shared stall-check thread and stop when it is released.
final class PullWatchdog {
    private let key: UInt64

    init(control: PullControl, timeoutSeconds: Double) {
        let timeoutNanos = UInt64(timeoutSeconds * 1e9)
        key = StallChecks.shared.add { [control] in control.checkStall(timeoutNanos: timeoutNanos) }
    }

    deinit { StallChecks.shared.remove(key) }
}
