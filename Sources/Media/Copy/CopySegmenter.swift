import Foundation
import LibAV
import Logging

/// Cuts copied packets into HLS segments and keeps the playlist: no decode, no encode (one
/// keyframe is decoded for the poster). Lives on its recording's thread.
///
/// Packets arrive in runs: one run per connection of the source. Each run's timestamps are
/// mapped onto one 90 kHz timeline that only moves forward, so every segment's muxer sees
/// monotonic timestamps even when a returning source restarts its clock; the first segment
/// of a later run is marked `#EXT-X-DISCONTINUITY` and dated from the arrival clock.
final class CopySegmenter {
    private static let ticksPerSecond: Int64 = 90000

    /// The recording being written (a rollover moves on to the next one).
    private(set) var spec: CopySpec
    private let logger: Logger
    private(set) var continuation: AsyncStream<PipelineEvent>.Continuation
    private(set) var stats = PipelineStats()
    private var playlist: CopyPlaylist

    private var video: CopyInputStream?
    private var audio: CopyInputStream?
    /// The first video DTS of the run (90 kHz, the source's clock), mapped to `runBase`.
    private var runOrigin: Int64?
    private var runBase: Int64 = 0
    private var runAnchor: (timeline: Int64, date: Date)?
    /// The end of the last video frame written, on the timeline.
    private var runEnd: Int64 = 0
    private var pendingDiscontinuity = false
    /// One frame on the timeline: from the stated frame rate, else the smallest PTS step seen.
    private var statedFrameTicks: Int64?
    private var smallestPtsStep: Int64?
    private var frameTicks: Int64 { statedFrameTicks ?? smallestPtsStep ?? 3000 }
    private var lastVideoPts: Int64?

    private var output: CopySegmentOutput
    /// The segment being written.
    private var segment: String?
    private var segmentStart: Int64 = 0
    private var segmentDate = Date()
    private var segmentDiscontinuity = false
    private var nextSegmentNumber = 0
    private var posterPending: Bool
    private var analyzer: FrameAnalyzer
    /// Made on the first picture the analysis wants in a run.
    private var pictureDecoder: CopyPictureDecoder?
    /// Pictures that failed to decode in a row; at 10 the analysis stops for the recording.
    private var pictureFailures = 0
    /// The video was decoded and re-encoded before it reached the segmenter (said in `stats.stream`).
    var transcoded = false
    private var startNanos: UInt64 = 0
    private var nextProgressNanos: UInt64 = 0
    /// Set for an `always` camera: cut into a new recording at a keyframe past `afterSeconds`.
    var rollover: (afterSeconds: Double, next: (_ cutAt: Date) -> SegmenterTarget?)?

    init(spec: CopySpec, logger: Logger, continuation: AsyncStream<PipelineEvent>.Continuation) throws {
        try spec.validate()
        try FileSystem.makeDirectory(spec.directory)
        self.spec = spec
        self.logger = logger
        self.continuation = continuation
        let fragmented = spec.segmentFormat == .fmp4
        output = Self.makeOutput(for: spec)
        playlist = Self.makePlaylist(for: spec)
        posterPending = spec.writeThumbnail
        analyzer = Self.makeAnalyzer(for: spec, logger: logger, continuation: continuation)
    }

    private static func makeAnalyzer(for spec: CopySpec, logger: Logger,
                                     continuation: AsyncStream<PipelineEvent>.Continuation) -> FrameAnalyzer {
        FrameAnalyzer(analysis: spec.analysis, directory: spec.directory, sessionId: spec.sessionId, logger: logger) { event in
            continuation.yield(.motion(event))
        }
    }

    private static func makeOutput(for spec: CopySpec) -> CopySegmentOutput {
        spec.segmentFormat == .fmp4 ? FragmentedMP4Segments(directory: spec.directory) : MPEGTSSegments(directory: spec.directory)
    }

    private static func makePlaylist(for spec: CopySpec) -> CopyPlaylist {
        CopyPlaylist(directory: spec.directory, segmentSeconds: spec.segmentSeconds,
                     initSegmentURI: spec.segmentFormat == .fmp4 ? FragmentedMP4Segments.initName : nil)
    }

    /// Starts a run with these streams (the first, or after the source came back: then the next
    /// segment starts a discontinuity and timestamps may restart).
    func beginRun(video: CopyInputStream, audio: CopyInputStream?, discontinuity: Bool) throws {
        try endRun()
        self.video = video
        self.audio = audio
        runOrigin = nil
        runAnchor = nil
        runBase = runEnd
        lastVideoPts = nil
        pendingDiscontinuity = discontinuity && nextSegmentNumber > 0
        pictureDecoder = nil
        analyzer.noteDiscontinuity()
        statedFrameTicks = video.frameRate.flatMap { rate in
            rate.isValid ? max(1, Int64((Double(Self.ticksPerSecond) / rate.doubleValue).rounded())) : nil
        }
    }

    /// Closes the segment being written, which lists it.
    func endRun() throws {
        try closeSegment(endingAt: runEnd)
    }

    /// Ends the recording: the last segment is listed and the playlist gets ENDLIST.
    func finish() throws {
        try endRun()
        try output.finish()
        try playlist.end()
        analyzer.finish(mediaDuration: playlist.mediaDuration)
    }

    /// After a failure: the segment being written may be torn, so it is dropped, and the
    /// playlist is ended with what it lists.
    func abandon() throws {
        if let segment {
            self.segment = nil
            unlink(spec.directory.appendingPathComponent(segment).path)
        }
        try playlist.end()
        analyzer.finish(mediaDuration: playlist.mediaDuration)
    }

    /// Copies one packet (timestamps in its stream's time base; the payload is consumed).
    /// Returns `.reachedDuration` instead of writing the first video packet (in decoding order)
    /// at or past `maxMediaSeconds`: everything kept decodes, and with B-frames the media may
    /// fall short of the limit by the reorder depth (a frame or two).
    func write(_ packet: Packet, isVideo: Bool) throws -> PipelineOutcome? {
        guard let stream = isVideo ? video : audio, let pts = packet.pts ?? packet.dts else { return nil }
        // An empty packet would be muxed as an access unit without a picture (MPEG-TS adds only an AUD).
        guard packet.size > 0 else { return nil }
        let dts = packet.dts ?? pts
        let pts90 = Rational.rescale(pts, from: stream.timeBase, to: CopySegmentFile.timeBase)
        let dts90 = Rational.rescale(dts, from: stream.timeBase, to: CopySegmentFile.timeBase)
        if runOrigin == nil {
            // A run starts at a video keyframe; what comes before cannot be decoded.
            guard isVideo, packet.isKeyframe else { return nil }
            runOrigin = dts90
        }
        let origin = runOrigin ?? dts90
        let outPts = pts90 - origin + runBase
        let outDts = dts90 - origin + runBase
        if isVideo {
            if let limit = spec.maxMediaSeconds, mediaSeconds(at: outPts) >= limit { return .reachedDuration }
            if packet.isKeyframe, segment != nil, let rollover, mediaSeconds(at: outPts) >= rollover.afterSeconds {
                try rollOver(at: outPts, using: rollover.next)
            }
            if packet.isKeyframe, segment == nil || outPts - segmentStart >= cutTicks {
                try openSegment(at: outPts, keyframe: packet, stream: stream)
            }
            if let last = lastVideoPts, outPts != last {
                let step = abs(outPts - last)
                smallestPtsStep = min(smallestPtsStep ?? step, step)
            }
            lastVideoPts = outPts
            if segment != nil, !analyzer.isIdle { analyzePicture(of: packet, stream: stream, at: outPts) }
            let duration = packet.duration > 0 ? Rational.rescale(packet.duration, from: stream.timeBase, to: CopySegmentFile.timeBase) : frameTicks
            runEnd = max(runEnd, outPts + duration)
            stats.framesEncoded += 1
            stats.lastFrameEpochMs = epochMilliseconds()
        } else if segment == nil || outPts < segmentStart - Self.ticksPerSecond {
            // Audio before the first keyframe, or from before this segment's time.
            return nil
        }
        guard segment != nil else { return nil }
        packet.pts = outPts
        packet.dts = outDts
        // MP4 needs every sample's duration; RTP and libx264 leave it 0.
        packet.duration = packet.duration > 0
            ? Rational.rescale(packet.duration, from: stream.timeBase, to: CopySegmentFile.timeBase)
            : isVideo ? frameTicks : Self.ticksPerSecond * 1024 / Int64(max(1, stream.parameters.sampleRate))
        try output.write(packet, video: isVideo)
        publishProgressIfDue()
        return nil
    }

    /// Ends the current recording at the keyframe at `pts` (its last segment listed, ENDLIST,
    /// `.finished(.reachedDuration)`) and continues into the next one, which opens its first
    /// segment with that keyframe. The timeline and its date anchor carry over, so the next
    /// recording's first PROGRAM-DATE-TIME is where this one's last segment ended. When no next
    /// recording can be had now, this one goes on and the next keyframe tries again.
    private func rollOver(at pts: Int64, using next: (_ cutAt: Date) -> SegmenterTarget?) throws {
        let cutAt = runAnchor.map { $0.date.addingTimeInterval(Double(pts - $0.timeline) / Double(Self.ticksPerSecond)) } ?? Date()
        guard let target = next(cutAt) else { return }
        try target.spec.validate()
        try FileSystem.makeDirectory(target.spec.directory)
        try closeSegment(endingAt: pts)
        try output.finish()
        try playlist.end()
        analyzer.finish(mediaDuration: playlist.mediaDuration)
        logger.info("rolled over into the next recording", metadata: [
            "next_session_id": "\(target.spec.sessionId)", "media_seconds": "\(stats.mediaDurationSec)",
            "frames": "\(stats.framesEncoded)",
        ])
        continuation.yield(.finished(.reachedDuration, stats))
        continuation.finish()
        spec = target.spec
        continuation = target.continuation
        output = Self.makeOutput(for: target.spec)
        playlist = Self.makePlaylist(for: target.spec)
        analyzer = Self.makeAnalyzer(for: target.spec, logger: logger, continuation: target.continuation)
        // The stream stays as described; the new directory gets its own poster and `.started`.
        let stream = stats.stream
        stats = PipelineStats()
        stats.stream = stream
        posterPending = target.spec.writeThumbnail
        nextSegmentNumber = 0
        pendingDiscontinuity = false
    }

    /// Hands the picture of a video packet (timestamps still the stream's; not consumed) to the
    /// analysis when it wants one: by default only keyframes are decoded, each on its own; with
    /// `copyFrames: .all` every packet goes through a decoder and pictures are sampled.
    private func analyzePicture(of packet: Packet, stream: CopyInputStream, at pts: Int64) {
        let allFrames = spec.analysis.motion?.copyFrames == .all
        let seconds = mediaSeconds(at: pts)
        guard pictureFailures < 10, allFrames || (packet.isKeyframe && analyzer.wants(at: seconds, everyPicture: true)) else { return }
        do {
            let decoder = try pictureDecoder ?? CopyPictureDecoder(parameters: stream.parameters, timeBase: stream.timeBase, allFrames: allFrames)
            pictureDecoder = decoder
            if allFrames {
                // Pictures leave the decoder in display order, a few frames late: timed by their own pts.
                try decoder.decode(packet) { picture in
                    let offset = picture.timestamp.map { Rational.rescale($0, from: stream.timeBase, to: CopySegmentFile.timeBase) - (runOrigin ?? 0) + runBase } ?? pts
                    let at = mediaSeconds(at: offset)
                    if analyzer.wants(at: at) { analyzer.analyze(picture, at: at, date: date(at: offset)) }
                }
            } else if let picture = try decoder.decodeKeyframe(packet) {
                analyzer.analyze(picture, at: seconds, date: date(at: pts), everyPicture: true)
            }
            pictureFailures = 0
        } catch {
            pictureFailures += 1
            if pictureFailures == 1 {
                logger.warning("cannot decode a picture for thumbnails or motion", metadata: ["error": "\(error)"])
            } else if pictureFailures == 10 {
                logger.error("thumbnails and motion stop after 10 pictures in a row failed to decode; the recording goes on",
                             metadata: ["error": "\(error)"])
            }
        }
    }

    /// The wall time of `pts` on the PROGRAM-DATE-TIME clock of the segment being written.
    private func date(at pts: Int64) -> Date {
        segmentDate.addingTimeInterval(Double(pts - segmentStart) / Double(Self.ticksPerSecond))
    }

    /// A keyframe this far into a segment ends it: the segment length less half a frame.
    private var cutTicks: Int64 {
        Int64(spec.segmentSeconds * Double(Self.ticksPerSecond)) - frameTicks / 2
    }

    /// Media seconds listed plus those of the segment being written, up to `pts`.
    private func mediaSeconds(at pts: Int64) -> Double {
        guard segment != nil else { return playlist.mediaDuration }
        return playlist.mediaDuration + Double(pts - segmentStart) / Double(Self.ticksPerSecond)
    }

    private func openSegment(at pts: Int64, keyframe: Packet, stream: CopyInputStream) throws {
        try closeSegment(endingAt: pts)
        if stats.firstFrameEpochMs == nil { try describeStream(from: keyframe, stream: stream) }
        let anchor = runAnchor ?? (pts, Date())
        runAnchor = anchor
        let name = String(format: "seg_%05d.", nextSegmentNumber) + output.segmentExtension
        nextSegmentNumber += 1
        guard let video else { return }
        try output.beginSegment(named: name, video: video, audio: audio)
        segment = name
        segmentStart = pts
        segmentDate = anchor.date.addingTimeInterval(Double(pts - anchor.timeline) / Double(Self.ticksPerSecond))
        segmentDiscontinuity = pendingDiscontinuity
        pendingDiscontinuity = false
        if stats.firstFrameEpochMs == nil {
            let now = epochMilliseconds()
            stats.firstFrameEpochMs = now
            startNanos = MonotonicClock.nanoseconds()
            nextProgressNanos = startNanos + 1_000_000_000
            logger.info("first keyframe copied", metadata: ["stream": "\(stats.stream.map { "\($0.videoCodec) \($0.width)x\($0.height)" } ?? "")"])
            continuation.yield(.started(firstFrameEpochMs: now))
        }
    }

    private func closeSegment(endingAt end: Int64) throws {
        guard let segment else { return }
        self.segment = nil
        try output.endSegment()
        let duration = Double(max(0, end - segmentStart)) / Double(Self.ticksPerSecond)
        try playlist.append(.init(uri: segment, duration: duration, programDateTime: segmentDate,
                                  discontinuity: segmentDiscontinuity))
        if playlist.entries.count == 1, let initName = output.initSegmentName {
            stats.bytes += FileSystem.fileSize(initName, in: spec.directory)
        }
        stats.segmentCount = playlist.entries.count
        stats.mediaDurationSec = playlist.mediaDuration
        stats.bytes += FileSystem.fileSize(segment, in: spec.directory)
        refreshFrameRate()
        stats.encodeFPS = copiedFPS()
        continuation.yield(.segmentWritten(fileName: segment, stats: stats))
    }

    /// The first keyframe gives the stream's size (and the poster).
    private func describeStream(from keyframe: Packet, stream: CopyInputStream) throws {
        let parameters = stream.parameters
        if posterPending || parameters.width <= 0 || parameters.height <= 0 {
            posterPending = false
            do {
                let picture = try PosterFrame.decode(keyframe, parameters: parameters)
                if parameters.width <= 0 || parameters.height <= 0 {
                    parameters.width = picture.width
                    parameters.height = picture.height
                }
                if spec.writeThumbnail {
                    try ThumbnailWriter.write(picture, to: spec.directory.appendingPathComponent(ThumbnailWriter.posterFileName))
                }
            } catch {
                logger.warning("cannot decode the first keyframe for the poster", metadata: ["error": "\(error)"])
            }
        }
        stats.stream = StreamDescription(
            videoCodec: parameters.codecID.description, audioCodec: audio.map { $0.parameters.codecID.description },
            width: Int(parameters.width), height: Int(parameters.height), fps: 0, transcoded: transcoded)
        refreshFrameRate()
    }

    private func refreshFrameRate() {
        if let rate = video?.frameRate, rate.isValid {
            stats.stream?.fps = rate.doubleValue
        } else if frameTicks > 0, lastVideoPts != nil {
            stats.stream?.fps = (Double(Self.ticksPerSecond) / Double(frameTicks) * 1000).rounded() / 1000
        }
    }

    private func publishProgressIfDue() {
        let now = MonotonicClock.nanoseconds()
        guard now >= nextProgressNanos else { return }
        nextProgressNanos = now + 1_000_000_000
        stats.encodeFPS = copiedFPS()
        continuation.yield(.progress(stats))
    }

    private func copiedFPS() -> Double {
        guard startNanos > 0 else { return 0 }
        let elapsed = Double(MonotonicClock.nanoseconds() - startNanos) / 1e9
        return elapsed > 0 ? Double(stats.framesEncoded) / elapsed : 0
    }

    private func epochMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// A returning source counts here (the session's `reconnects`).
    func noteReconnect() {
        stats.reconnects += 1
    }
}
