/// Flags the pipeline as stalled when no frame arrived for `timeout` seconds; once flagged, the
/// interrupt callback and the pipeline's waits give up. Checks stop when it is released.
final class StallWatchdog {
    private let key: UInt64

    init(control: PipelineControl, timeoutSeconds: Double) {
        let timeoutNanos = UInt64(timeoutSeconds * 1e9)
        key = StallChecks.shared.add { [control] in
            if control.nanosecondsSinceLastFrame > timeoutNanos { control.reportStall() }
        }
    }

    deinit { StallChecks.shared.remove(key) }
}
