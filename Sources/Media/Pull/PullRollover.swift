import Foundation
import Synchronization

/// Cuts a pull into back-to-back recordings (an `always` camera): at the first video keyframe
/// after `afterSeconds` of media, the current directory's playlist is ended and the same open
/// input continues into the next recording's directory, so no frame is lost and
/// PROGRAM-DATE-TIME runs on across the cut.
///
/// Each new recording appears on `recordings` (the first one is the pull itself); the stream
/// ends when the pull does.
public final class PullRollover: Sendable {
    public let afterSeconds: Double
    /// The recordings after the first, in order.
    public let recordings: AsyncStream<RolledRecording>

    private let continuation: AsyncStream<RolledRecording>.Continuation
    private let nextSpec: @Sendable (_ previous: CopySpec, _ cutAt: Date) -> CopySpec?

    /// `nextSpec` names the next recording (id and directory, which it reserves); nil skips this
    /// keyframe and the current recording continues (the next keyframe tries again).
    public init(afterSeconds: Double, nextSpec: @escaping @Sendable (_ previous: CopySpec, _ cutAt: Date) -> CopySpec?) {
        self.afterSeconds = afterSeconds
        self.nextSpec = nextSpec
        (recordings, continuation) = AsyncStream.makeStream(of: RolledRecording.self, bufferingPolicy: .unbounded)
    }

    /// Called on the pull's thread at a cut: the next recording, announced on `recordings`.
    func next(after previous: CopySpec, cutAt: Date, stop: @escaping @Sendable () -> Void) -> SegmenterTarget? {
        guard let spec = nextSpec(previous, cutAt) else { return nil }
        let (events, sink) = AsyncStream.makeStream(of: PipelineEvent.self, bufferingPolicy: .bufferingNewest(1024))
        continuation.yield(RolledRecording(spec: spec, events: events, stop: stop))
        return SegmenterTarget(spec: spec, continuation: sink)
    }

    /// The pull has ended: no more recordings.
    func finish() {
        continuation.finish()
    }
}

/// Where a copy segmenter writes: a directory and the events of its recording.
struct SegmenterTarget {
    let spec: CopySpec
    let continuation: AsyncStream<PipelineEvent>.Continuation
}

/// One recording after a rollover: already running when it appears. Stopping it stops the pull
/// it belongs to (the camera).
public final class RolledRecording: Recording {
    public let spec: CopySpec
    public let events: AsyncStream<PipelineEvent>
    private let stopPull: @Sendable () -> Void

    init(spec: CopySpec, events: AsyncStream<PipelineEvent>, stop: @escaping @Sendable () -> Void) {
        self.spec = spec
        self.events = events
        stopPull = stop
    }

    public func start() {}

    public func stop() {
        stopPull()
    }
}
