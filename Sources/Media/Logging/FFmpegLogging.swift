import CFFmpeg
import Logging
import Synchronization

/// Routes FFmpeg's log (av_log, including libx264's) into swift-log. Lines logged on a
/// pipeline's thread carry that pipeline's session id as `session_id` metadata.
public enum FFmpegLogging {
    private static let installed = Mutex<Logger?>(nil)

    /// Installs the callback process-wide and sets FFmpeg's level from the logger's.
    public static func install(logger: Logger) {
        installed.withLock { $0 = logger }
        av_log_set_level(avLevel(for: logger.logLevel))
        // The closure captures nothing: libav calls it through a plain C function pointer.
        av_log_set_callback { context, level, format, arguments in
            forwardFFmpegLog(context, level, format, arguments)
        }
    }

    /// libav's INFO level is per-file chatter ("Opening 'seg_00001.ts' for writing"), so it maps
    /// to debug; VERBOSE and below to trace.
    static func loggerLevel(for avLevel: Int32) -> Logger.Level {
        switch avLevel {
        case ...AV_LOG_FATAL: return .critical
        case ...AV_LOG_ERROR: return .error
        case ...AV_LOG_WARNING: return .warning
        case ...AV_LOG_INFO: return .debug
        default: return .trace
        }
    }

    static func avLevel(for level: Logger.Level) -> Int32 {
        switch level {
        case .trace: return AV_LOG_DEBUG
        case .debug: return AV_LOG_INFO
        case .info, .notice, .warning: return AV_LOG_WARNING
        case .error: return AV_LOG_ERROR
        case .critical: return AV_LOG_FATAL
        }
    }

    static func emit(avLevel: Int32, line: String) {
        guard let logger = installed.withLock({ $0 }) else { return }
        var metadata: Logger.Metadata = ["component": "ffmpeg"]
        if let session = SessionTag.current { metadata["session_id"] = "\(session)" }
        logger.log(level: loggerLevel(for: avLevel), "\(line)", metadata: metadata)
    }
}

/// Formats one av_log call; runs on whichever thread logged (pipeline, x264 worker, …).
private func forwardFFmpegLog(_ context: UnsafeMutableRawPointer?, _ level: Int32,
                              _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?) {
    guard level <= av_log_get_level(), let format, let arguments else { return }
    var printPrefix: Int32 = 1
    var buffer = [CChar](repeating: 0, count: 1024)
    let length = av_log_format_line2(context, level, format, arguments, &buffer, Int32(buffer.count), &printPrefix)
    guard length > 0 else { return }
    var line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while line.last?.isNewline == true { line.removeLast() }
    guard !line.isEmpty else { return }
    FFmpegLogging.emit(avLevel: level, line: line)
}
