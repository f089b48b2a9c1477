import Foundation
import LibAV
import Logging

/// The body of a pull's thread: open, wait for start, then record connection after connection.
struct PullRun: Sendable {
    let spec: PullSpec
    let logger: Logger
    let control: PullControl
    let opened: OpenSignal
    let continuation: AsyncStream<PipelineEvent>.Continuation

    func execute() {
        SessionTag.set(spec.recording.sessionId)
        defer {
            SessionTag.set(nil)
            spec.rollover?.finish()
        }
        let input: InputFormatContext
        do {
            input = try PullSource.open(spec.url, control: control, timeoutSeconds: spec.openTimeoutSeconds, logger: logger)
            let info = try PullSource.describe(input)
            logger.info("source opened", metadata: [
                "format": "\(info.formatName)", "video": "\(info.videoCodec) \(info.width)x\(info.height)",
                "audio": "\(info.audioCodec ?? "none")", "transcoded": "\(info.transcoded)",
            ])
            opened.resolve(.success(info))
        } catch {
            let failure = error as? PullError ?? .sourceUnreachable(url: spec.url.redacted, reason: SourceURL.redact("\(error)"))
            logger.warning("cannot open the source", metadata: ["error": "\(failure)"])
            opened.resolve(.failure(failure))
            continuation.yield(.finished(failure == .stopped ? .stopped : .failed(reason: failure.description), PipelineStats()))
            continuation.finish()
            return
        }
        guard control.waitForStart() else {
            continuation.yield(.finished(.stopped, PipelineStats()))
            continuation.finish()
            return
        }
        CopyRun.execute(spec: spec.recording, logger: logger, continuation: continuation) { segmenter in
            if let rollover = spec.rollover {
                let control = control
                segmenter.rollover = (rollover.afterSeconds, { [unowned segmenter] cutAt in
                    // Once the pull is stopping, its last recording is the one that ends.
                    guard !control.isStopRequested else { return nil }
                    return rollover.next(after: segmenter.spec, cutAt: cutAt, stop: { control.requestStop() })
                })
            }
            return try record(first: input, into: segmenter)
        }
    }

    private func record(first: InputFormatContext, into segmenter: CopySegmenter) throws -> PipelineOutcome {
        let watchdog = PullWatchdog(control: control, timeoutSeconds: spec.stallTimeoutSeconds)
        defer { withExtendedLifetime(watchdog) {} }
        var current: InputFormatContext? = first
        var discontinuity = false
        while true {
            if let source = current {
                current = nil
                control.beginConnection()
                let ending = try copy(source, into: segmenter, discontinuity: discontinuity)
                control.endConnection()
                switch ending {
                case .outcome(let outcome):
                    return outcome
                case .endOfStream:
                    logger.warning("the source ended its stream; reconnecting")
                case .lost(let reason):
                    if control.isStopRequested { return .stopped }
                    logger.warning("the source was lost; reconnecting", metadata: ["error": "\(SourceURL.redact(reason))"])
                }
            }
            if control.isStopRequested { return .stopped }
            guard let reopened = reconnect() else { return .stopped }
            current = reopened
            discontinuity = true
            segmenter.noteReconnect()
            logger.info("the source is back", metadata: ["reconnects": "\(segmenter.stats.reconnects)"])
        }
    }

    /// Reopens the source: 1 s, then doubling up to the maximum, until it answers or the pull
    /// stops (nil).
    private func reconnect() -> InputFormatContext? {
        var delay = spec.reconnectDelaySeconds
        while true {
            if control.sleep(seconds: delay) { return nil }
            do {
                return try PullSource.open(spec.url, control: control, timeoutSeconds: spec.openTimeoutSeconds, logger: logger)
            } catch {
                if control.isStopRequested { return nil }
                logger.info("the source is still away", metadata: ["error": "\(error)", "retry_in_sec": "\(min(delay * 2, spec.maxReconnectDelaySeconds))"])
                delay = min(delay * 2, spec.maxReconnectDelaySeconds)
            }
        }
    }

    private func copy(_ input: InputFormatContext, into segmenter: CopySegmenter, discontinuity: Bool) throws -> DemuxCopier.Ending {
        if try DemuxCopier.canCopy(input) {
            let copier = try DemuxCopier(input: input, logger: logger)
            return try copier.copy(into: segmenter, discontinuity: discontinuity,
                                   shouldStop: { control.isStopRequested }, onPacket: { control.notePacket() })
        }
        let transcoder = try PullTranscoder(input: input, spec: spec)
        return try transcoder.copy(into: segmenter, discontinuity: discontinuity, control: control)
    }
}
