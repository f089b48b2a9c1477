import Foundation
import LibAV
import Logging

/// Thumbnails and motion for one recording, on its thread. The recording asks `wants(at:)`
/// before it spends anything on a picture, then hands the picture over. A failure here is logged
/// once and turns that part off; it never reaches the recording.
final class FrameAnalyzer {
    private let logger: Logger
    private let emit: (MotionEvent) -> Void
    private var thumbnails: ThumbnailTrack?
    private var motion: MotionSettings?
    private var detector = MotionDetector()
    private let grey = GreyPicture()
    private var nextMotionSample = 0.0
    private var lastEvent: Double?

    /// `emit` is called on the recording's thread for every motion event.
    init(analysis: FrameAnalysis, directory: URL, sessionId: String, logger: Logger,
         emit: @escaping (MotionEvent) -> Void) {
        self.logger = logger
        self.emit = emit
        thumbnails = analysis.thumbnailIntervalSeconds.map { ThumbnailTrack(directory: directory, sessionId: sessionId, interval: $0) }
        motion = analysis.motion
    }

    var isIdle: Bool { thumbnails == nil && motion == nil }

    /// Whether a picture at `mediaSeconds` would be used. `everyPicture` (a keyframe-only copy
    /// session) makes every picture a motion sample.
    func wants(at mediaSeconds: Double, everyPicture: Bool = false) -> Bool {
        if thumbnails?.isDue(at: mediaSeconds) == true { return true }
        guard motion != nil else { return false }
        return everyPicture || mediaSeconds >= nextMotionSample
    }

    /// Uses `picture` (any size and format) shown at `mediaSeconds` and wall time `date`.
    func analyze(_ picture: Frame, at mediaSeconds: Double, date: Date, everyPicture: Bool = false) {
        if let track = thumbnails, track.isDue(at: mediaSeconds) {
            do {
                try track.add(picture, at: mediaSeconds)
            } catch {
                logger.error("thumbnails stop; the recording goes on", metadata: ["error": "\(error)"])
                thumbnails = nil
            }
        }
        guard let settings = motion, everyPicture || mediaSeconds >= nextMotionSample else { return }
        nextMotionSample = mediaSeconds + 1 / settings.samplesPerSecond - 0.001
        do {
            guard let result = detector.compare(try grey.bytes(of: picture)), result.score >= settings.threshold else { return }
            if let lastEvent, mediaSeconds - lastEvent < settings.minGapSeconds { return }
            lastEvent = mediaSeconds
            emit(MotionEvent(mediaSeconds: mediaSeconds, date: date, score: result.score, box: result.box))
        } catch {
            logger.error("motion detection stops; the recording goes on", metadata: ["error": "\(error)"])
            motion = nil
        }
    }

    /// The source came back (a discontinuity): its first picture is compared with nothing.
    func noteDiscontinuity() {
        detector.reset()
    }

    /// The recording ended with `mediaDuration` seconds listed: the final track.
    func finish(mediaDuration: Double) {
        guard let track = thumbnails else { return }
        do {
            try track.finish(mediaDuration: mediaDuration)
        } catch {
            logger.error("cannot write the final thumbnail track", metadata: ["error": "\(error)"])
        }
        thumbnails = nil
        motion = nil
    }
}
