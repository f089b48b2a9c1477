import Dispatch

/// Flags the pipeline as stalled when no frame arrived for `timeout` seconds. It exists because
/// a blocked device read never consults the interrupt callback by itself; once flagged, the
/// interrupt callback and the pipeline's waits give up.
final class StallWatchdog {
    private let timer: DispatchSourceTimer

    init(control: PipelineControl, timeoutSeconds: Double) {
        let timeoutNanos = UInt64(timeoutSeconds * 1e9)
        let interval = min(0.5, timeoutSeconds / 4)
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
        timer.setEventHandler { [control] in
            if control.nanosecondsSinceLastFrame > timeoutNanos { control.reportStall() }
        }
        timer.resume()
    }

    deinit { timer.cancel() }
}
