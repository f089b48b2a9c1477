/// What the session manager drives, whatever records: a capture pipeline, a stream-copy
/// recording of a publisher, or a pull.
public protocol Recording: AnyObject, Sendable {
    /// `.started`, `.segmentWritten`, `.progress`, then exactly one `.finished`, then the stream ends.
    var events: AsyncStream<PipelineEvent> { get }
    /// Starts the recording's thread. Calling it again does nothing.
    func start()
    /// Ends the recording: the playlist gets ENDLIST and `.finished(.stopped, …)` follows.
    /// Thread-safe, idempotent, returns at once.
    func stop()
}

extension RecordingPipeline: Recording {}
