import Foundation
import LibAV
import Logging

/// The libav objects of one recording and the capture loop over them; lives and dies on the
/// pipeline's thread. Shape of FFmpeg's doc/examples: read → decode → scale → encode →
/// rescale → interleaved write; flush decoder and encoder with NULL; trailer.
final class RecordingSession {
    private let spec: RecordingSpec
    private let logger: Logger
    private let control: PipelineControl
    private let continuation: AsyncStream<PipelineEvent>.Continuation

    private let source: VideoSource
    private let encoder: H264Encoder
    private let writer: HLSWriter
    private let converter: FrameConverter
    private let tracker: SegmentTracker
    private let decoded: Frame

    private(set) var stats = PipelineStats()
    private let framesPerSegment: Int64
    private let maxPts: Int64?
    private var firstTimestamp: Int64?
    private var startNanos: UInt64 = 0
    private var lastPts: Int64 = -1
    private var nextKeyframePts: Int64 = 0
    private var nextProgressNanos: UInt64 = 0
    private var thumbnailPending: Bool
    private let analyzer: FrameAnalyzer
    /// The HLS muxer dates segment 0 (media time 0) with the wall clock when its header is written.
    private let programDateTimeZero: Date

    init(spec: RecordingSpec, logger: Logger, control: PipelineControl,
         continuation: AsyncStream<PipelineEvent>.Continuation) throws {
        try spec.validate()
        self.spec = spec
        self.logger = logger
        self.control = control
        self.continuation = continuation
        try FileSystem.makeDirectory(spec.directory)

        switch spec.source {
        case .testPattern(let filter):
            source = try TestPatternSource.open(filter: filter, width: spec.width, height: spec.height, fps: spec.fps, control: control)
        case .camera(let device, let inputFormat):
            source = try V4L2Source.open(device: device, inputFormat: inputFormat, width: spec.width, height: spec.height, fps: spec.fps, control: control)
        }
        writer = try HLSWriter(directory: spec.directory)
        encoder = try H264Encoder(width: spec.width, height: spec.height, fps: spec.fps,
                                  framesPerSegment: spec.framesPerSegment, settings: spec.encoder,
                                  globalHeader: writer.wantsGlobalHeader)
        try writer.start(encoder: encoder, segmentSeconds: spec.segmentSeconds, format: spec.segmentFormat)
        programDateTimeZero = Date()
        converter = FrameConverter(width: spec.width, height: spec.height)
        tracker = SegmentTracker(directory: spec.directory)
        decoded = try Frame()
        framesPerSegment = Int64(spec.framesPerSegment)
        maxPts = spec.maxMediaSeconds.map { Int64(($0 * Double(spec.fps)).rounded()) }
        thumbnailPending = spec.writeThumbnail
        analyzer = FrameAnalyzer(analysis: spec.analysis, directory: spec.directory, sessionId: spec.sessionId,
                                 logger: logger) { [continuation] event in continuation.yield(.motion(event)) }
        logger.info("recording", metadata: [
            "source": "\(source.name)", "size": "\(spec.width)x\(spec.height)", "fps": "\(spec.fps)",
            "directory": "\(spec.directory.path)",
        ])
    }

    /// Records until the duration is reached, stop() or a failure; always ends with the trailer
    /// attempted.
    func run() -> PipelineOutcome {
        var outcome: PipelineOutcome
        do {
            outcome = try capture()
            try source.beginDrain()
            while try source.nextFrame(into: decoded) == .frame {
                defer { decoded.unref() }
                _ = try process(decoded, pace: false)
            }
            try encoder.encode(nil, write)
            try writer.finish()
            try publishNewSegments()
        } catch {
            let reason = FailureDiagnosis.reason(for: error, directory: spec.directory)
            logger.error("recording failed", metadata: ["error": "\(reason)"])
            outcome = .failed(reason: reason)
            salvage()
        }
        analyzer.finish(mediaDuration: stats.mediaDurationSec)
        stats.encodeFPS = encodeFPS()
        return outcome
    }

    /// After a failure: flush what the encoder holds (unless writing is what failed) and write
    /// the trailer, so the playlist gets ENDLIST if the disk still lets it.
    private func salvage() {
        if !writer.hasFailed {
            do { try encoder.encode(nil, write) } catch {
                logger.warning("cannot flush the encoder after the failure", metadata: ["error": "\(error)"])
            }
        }
        do { try writer.finish() } catch {
            logger.warning("cannot write the HLS trailer after the failure", metadata: ["error": "\(error)"])
        }
        do { try publishNewSegments() } catch {
            logger.warning("cannot read the playlist after the failure", metadata: ["error": "\(error)"])
        }
    }

    private func capture() throws -> PipelineOutcome {
        while true {
            if control.isStopRequested { return .stopped }
            if control.isStalled { throw stallError }
            switch try source.nextFrame(into: decoded) {
            case .again:
                // A non-blocking camera without a frame yet: a short, interruptible nap.
                _ = control.wait(untilMonotonic: MonotonicClock.nanoseconds() + 4_000_000)
            case .endOfStream:
                throw MediaError.sourceEnded(source: source.name)
            case .frame:
                defer { decoded.unref() }
                control.noteFrame()
                if let end = try process(decoded, pace: source.needsPacing) { return end }
            }
        }
    }

    private var stallError: MediaError {
        .sourceStalled(source: source.name, seconds: spec.stallTimeoutSeconds)
    }

    /// Timestamps, pacing, keyframe forcing, conversion and encoding of one captured frame.
    /// Returns an outcome when the recording should end instead.
    private func process(_ frame: Frame, pace: Bool) throws -> PipelineOutcome? {
        guard let timestamp = frame.timestamp else {
            stats.framesDropped += 1
            return nil
        }
        let first = firstTimestamp ?? timestamp
        if firstTimestamp == nil { markStarted(at: timestamp) }
        // Rebased to the first frame (V4L2 stamps are wall-clock), in frames.
        let pts = Rational.rescale(timestamp - first, from: source.timeBase, to: encoder.timeBase)
        guard pts > lastPts else {
            stats.framesDropped += 1
            return nil
        }
        if let maxPts, pts >= maxPts { return .reachedDuration }
        if pace {
            let due = startNanos + UInt64(pts) * 1_000_000_000 / UInt64(spec.fps)
            if control.wait(untilMonotonic: due) {
                if control.isStalled { throw stallError }
                return .stopped
            }
        }
        stats.lastFrameEpochMs = epochMilliseconds()

        let picture = try converter.convert(frame)
        picture.pts = pts
        let keyframe = pts >= nextKeyframePts
        if keyframe { nextKeyframePts = (pts / framesPerSegment + 1) * framesPerSegment }
        // Decoders mark every raw or MJPEG frame as I: reset, or every frame becomes a keyframe.
        picture.forcesKeyframe = keyframe
        if keyframe, thumbnailPending { writeThumbnail(picture) }
        let seconds = Double(pts) / Double(spec.fps)
        if analyzer.wants(at: seconds) {
            analyzer.analyze(picture, at: seconds, date: programDateTimeZero.addingTimeInterval(seconds))
        }
        lastPts = pts
        try encoder.encode(picture, write)
        stats.framesEncoded += 1
        publishProgressIfDue()
        return nil
    }

    private func write(_ packet: Packet) throws {
        let keyframe = packet.isKeyframe
        try writer.write(packet)
        // The muxer cuts (and rewrites the playlist) only at keyframes.
        if keyframe { try publishNewSegments() }
    }

    private func markStarted(at timestamp: Int64) {
        firstTimestamp = timestamp
        startNanos = MonotonicClock.nanoseconds()
        nextProgressNanos = startNanos + 1_000_000_000
        let now = epochMilliseconds()
        stats.firstFrameEpochMs = now
        logger.info("first frame captured", metadata: ["source": "\(source.name)"])
        continuation.yield(.started(firstFrameEpochMs: now))
    }

    private func writeThumbnail(_ picture: Frame) {
        thumbnailPending = false
        let url = spec.directory.appendingPathComponent(ThumbnailWriter.posterFileName)
        do {
            try ThumbnailWriter.write(picture, to: url)
        } catch {
            logger.warning("cannot write the poster image", metadata: ["error": "\(error)"])
        }
    }

    private func publishNewSegments() throws {
        for (fileName, totals) in try tracker.refresh() {
            stats.segmentCount = totals.segmentCount
            stats.mediaDurationSec = totals.mediaDuration
            stats.bytes = totals.bytes
            stats.encodeFPS = encodeFPS()
            continuation.yield(.segmentWritten(fileName: fileName, stats: stats))
        }
    }

    private func publishProgressIfDue() {
        let now = MonotonicClock.nanoseconds()
        guard now >= nextProgressNanos else { return }
        nextProgressNanos = now + 1_000_000_000
        stats.encodeFPS = encodeFPS()
        continuation.yield(.progress(stats))
    }

    private func encodeFPS() -> Double {
        guard firstTimestamp != nil else { return 0 }
        let elapsed = Double(MonotonicClock.nanoseconds() - startNanos) / 1e9
        return elapsed > 0 ? Double(stats.framesEncoded) / elapsed : 0
    }

    private func epochMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
