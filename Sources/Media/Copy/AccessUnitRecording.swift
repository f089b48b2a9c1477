import Foundation
import Logging
import Synchronization

/// A stream-copy recording of access units that someone else depacketized (the RTSP server's
/// publishers): `feed` from any thread, never blocking; the units are muxed into HLS segments on
/// the recording's own thread.
public final class AccessUnitRecording: Recording {
    public let spec: CopySpec
    public let streams: [CopyStreamInfo]
    public let events: AsyncStream<PipelineEvent>

    private let continuation: AsyncStream<PipelineEvent>.Continuation
    private let logger: Logger
    private let queue: AccessUnitQueue
    private let started = Atomic<Bool>(false)

    /// `streams` as the publisher announced them; the first H.264/H.265 one is recorded with
    /// the first AAC one, others are ignored. `queueCapacity` units may wait for the thread.
    public init(spec: CopySpec, streams: [CopyStreamInfo], logger: Logger, queueCapacity: Int = 2048) {
        self.spec = spec
        self.streams = streams
        var logger = logger
        logger[metadataKey: "session_id"] = "\(spec.sessionId)"
        self.logger = logger
        queue = AccessUnitQueue(capacity: queueCapacity)
        (events, continuation) = AsyncStream.makeStream(of: PipelineEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    deinit {
        if !started.load(ordering: .acquiring) { continuation.finish() }
    }

    public func start() {
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let spec = spec, streams = streams, logger = logger, queue = queue, continuation = continuation
        let thread = Thread {
            CopyRun.execute(spec: spec, logger: logger, continuation: continuation) { segmenter in
                let copier = try AccessUnitCopier(streams: streams, segmenter: segmenter, logger: logger)
                while let item = queue.take() {
                    if let end = try copier.handle(item) {
                        queue.discardAll()
                        return end
                    }
                }
                try copier.finish()
                return .stopped
            }
            queue.discardAll()
        }
        thread.name = "streamd-copy-\(spec.sessionId.prefix(39))"
        thread.start()
    }

    /// Hands one access unit to the recording. Returns false when it was dropped: the queue is
    /// full (the disk cannot keep up) or the recording has ended.
    @discardableResult
    public func feed(_ unit: CopyAccessUnit) -> Bool {
        queue.offer(.unit(unit))
    }

    /// The publisher came back: the next segment starts an `#EXT-X-DISCONTINUITY` and the
    /// timestamps may restart; counts in `reconnects`.
    public func markDiscontinuity() {
        _ = queue.offer(.discontinuity)
    }

    /// Ends the recording once the units already fed are written.
    public func stop() {
        queue.close()
    }

    /// Units dropped because the queue was full.
    public var droppedUnits: Int { queue.droppedCount }
}
