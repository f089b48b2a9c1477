import Dispatch

/// Flags the current connection of a pull as stalled when no packet arrived for the timeout:
/// the interrupt callback then makes the blocked read give up, and the pull reconnects.
final class PullWatchdog {
    private let timer: DispatchSourceTimer

    init(control: PullControl, timeoutSeconds: Double) {
        let timeoutNanos = UInt64(timeoutSeconds * 1e9)
        let interval = min(0.5, timeoutSeconds / 4)
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
        timer.setEventHandler { [control] in control.checkStall(timeoutNanos: timeoutNanos) }
        timer.resume()
    }

    deinit { timer.cancel() }
}
