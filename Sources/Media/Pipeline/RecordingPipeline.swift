import Foundation
import Logging
import Synchronization

/// One recording: source → decode → yuv420p → libx264 → HLS, on its own thread.
///
/// Blocking libav calls run on a dedicated `Thread` (not a Task: they would starve the
/// cooperative pool), which creates, uses and frees every libav object of the recording. The
/// rest of the process only sees `events` and calls `stop()`.
public final class RecordingPipeline: Sendable {
    public let spec: RecordingSpec
    /// `.started`, `.segmentWritten`, `.progress`, then exactly one `.finished`, then the stream ends.
    public let events: AsyncStream<PipelineEvent>

    private let continuation: AsyncStream<PipelineEvent>.Continuation
    private let logger: Logger
    private let control = PipelineControl()
    private let started = Atomic<Bool>(false)

    public init(spec: RecordingSpec, logger: Logger) {
        self.spec = spec
        var logger = logger
        logger[metadataKey: "session_id"] = "\(spec.sessionId)"
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: PipelineEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    deinit {
        // Never started: nothing else will end the stream its consumers wait on.
        if !started.load(ordering: .acquiring) { continuation.finish() }
    }

    /// Starts the recording thread. Calling it again does nothing.
    public func start() {
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let run = PipelineRun(spec: spec, logger: logger, control: control, continuation: continuation)
        let thread = Thread { run.execute() }
        thread.name = "streamd-rec-\(spec.sessionId.prefix(40))"
        thread.start()
    }

    /// Asks the recording to end: it stops reading, flushes, writes the trailer (ENDLIST) and
    /// emits `.finished(.stopped, …)`. Thread-safe, idempotent, returns at once. Before `start()`
    /// it makes the recording end as soon as it starts.
    public func stop() {
        control.requestStop()
    }
}
