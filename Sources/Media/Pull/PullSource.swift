import Glibc
import LibAV
import Logging

/// Opens a pull source with libavformat: the timeouts each protocol takes, RTSP over TCP, and
/// the interrupt callback bound to the pull's control (stop, open deadline, stall).
enum PullSource {
    /// Options per scheme. Socket timeouts are in microseconds; `rw_timeout` is the generic
    /// I/O timeout of protocols without their own (RTMP's `timeout` would make it listen).
    static func options(for url: SourceURL, timeoutSeconds: Double) -> [(String, String)] {
        let micros = String(Int64(timeoutSeconds * 1_000_000))
        switch url.scheme {
        case "rtsp", "rtsps": return [("rtsp_transport", "tcp"), ("timeout", micros)]
        case "http", "https": return [("timeout", micros), ("rw_timeout", micros)]
        case "srt": return [("timeout", micros), ("connect_timeout", String(Int64(timeoutSeconds * 1000)))]
        default: return [("rw_timeout", micros)]
        }
    }

    /// Connects and reads the stream information within `timeoutSeconds`; the error says why not,
    /// with the URL redacted.
    static func open(_ url: SourceURL, control: PullControl, timeoutSeconds: Double, logger: Logger) throws -> InputFormatContext {
        control.setOpenDeadline(seconds: timeoutSeconds)
        defer { control.setOpenDeadline(seconds: nil) }
        do {
            let input = try InputFormatContext(
                url: url.secret, formatName: nil, options: options(for: url, timeoutSeconds: timeoutSeconds),
                shouldInterrupt: control.interruptCheck, source: url.redacted, strictOptions: false)
            if !input.unusedOptions.isEmpty {
                logger.debug("options the source did not take", metadata: ["options": "\(input.unusedOptions)"])
            }
            try input.findStreamInfo()
            _ = try input.videoStream()
            return input
        } catch let error as LibAVError {
            if control.isStopRequested { throw PullError.stopped }
            let text = SourceURL.redact("\(error)")
            if error.code == .exit || error.code == .posix(ETIMEDOUT) || control.openDeadlinePassed {
                throw PullError.sourceUnreachable(url: url.redacted, reason: "no answer within \(Int(timeoutSeconds.rounded())) s (\(text))")
            }
            throw PullError.sourceUnreachable(url: url.redacted, reason: text)
        }
    }

    /// What `input` carries and how it will be recorded.
    static func describe(_ input: InputFormatContext) throws -> PullSourceInfo {
        let video = try input.videoStream()
        let audio: StreamInfo?
        do { audio = try input.bestStream(.audio) } catch { audio = nil }
        let transcoded = !DemuxCopier.copyableVideo.contains(video.parameters.codecID)
        let audioCodec = audio.map(\.parameters.codecID).flatMap { $0 == .aac && !transcoded ? "aac" : nil }
        return PullSourceInfo(
            formatName: input.formatName, videoCodec: video.parameters.codecID.description, audioCodec: audioCodec,
            width: Int(video.parameters.width), height: Int(video.parameters.height),
            fps: video.averageFrameRate.isValid ? video.averageFrameRate.doubleValue : 0, transcoded: transcoded)
    }
}
