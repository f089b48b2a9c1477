import Foundation
import LibAV
import Logging
import Synchronization

/// Records a remote source (RTSP, RTMP, SRT, HTTP) that streamd pulls: H.264/H.265 and AAC are
/// copied through the same segmenter as publishes, other video is transcoded to H.264. A lost
/// source (error, end of stream, stall) is reopened with backoff for as long as the recording
/// lasts; each return adds a discontinuity and counts in `reconnects`.
///
/// `open()` connects and reads the stream information first (so a POST can answer with the
/// reason a source is unreachable); `start()` then records. Everything libav runs on the
/// pull's own thread.
public final class PullPipeline: Recording {
    public let spec: PullSpec
    public let events: AsyncStream<PipelineEvent>

    private let continuation: AsyncStream<PipelineEvent>.Continuation
    private let logger: Logger
    private let control = PullControl()
    private let opened = OpenSignal()
    private let launched = Atomic<Bool>(false)

    public init(spec: PullSpec, logger: Logger) {
        self.spec = spec
        var logger = logger
        logger[metadataKey: "session_id"] = "\(spec.recording.sessionId)"
        logger[metadataKey: "source_url"] = "\(spec.url.redacted)"
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: PipelineEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    deinit {
        if !launched.load(ordering: .acquiring) { continuation.finish() }
    }

    /// Opens the source (within `openTimeoutSeconds`) and returns what it carries; throws
    /// `PullError.sourceUnreachable` with libavformat's reason. After a failure the events end
    /// with `.finished(.failed)` and nothing was written to disk.
    public func open() async throws -> PullSourceInfo {
        launch()
        return try await opened.wait()
    }

    /// Starts recording (opening the source first if `open()` was not called).
    public func start() {
        control.requestStart()
        launch()
    }

    /// Ends the recording: a blocked read or open gives up, the playlist gets ENDLIST.
    public func stop() {
        control.requestStop()
    }

    private func launch() {
        guard launched.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let run = PullRun(spec: spec, logger: logger, control: control, opened: opened, continuation: continuation)
        let thread = Thread { run.execute() }
        thread.name = "streamd-pull-\(spec.recording.sessionId.prefix(39))"
        thread.start()
    }
}
