import LibAV
import Logging
import Synchronization

/// Routes FFmpeg's log (av_log, including libx264's) into swift-log. Lines logged on a
/// pipeline's thread carry that pipeline's session id as `session_id` metadata.
public enum FFmpegLogging {
    private static let installed = Mutex<Logger?>(nil)

    /// Installs the route process-wide and sets FFmpeg's level from the logger's.
    public static func install(logger: Logger) {
        installed.withLock { $0 = logger }
        LogRoute.install(level: avLevel(for: logger.logLevel)) { level, line in
            emit(avLevel: level, line: line)
        }
    }

    /// libav's INFO level is per-file chatter ("Opening 'seg_00001.ts' for writing"), so it maps
    /// to debug; VERBOSE and below to trace.
    static func loggerLevel(for avLevel: LogRoute.Level) -> Logger.Level {
        switch avLevel {
        case ...LogRoute.Level.fatal: return .critical
        case ...LogRoute.Level.error: return .error
        case ...LogRoute.Level.warning: return .warning
        case ...LogRoute.Level.info: return .debug
        default: return .trace
        }
    }

    static func avLevel(for level: Logger.Level) -> LogRoute.Level {
        switch level {
        case .trace: return .debug
        case .debug: return .info
        case .info, .notice, .warning: return .warning
        case .error: return .error
        case .critical: return .fatal
        }
    }

    static func emit(avLevel: LogRoute.Level, line: String) {
        guard let logger = installed.withLock({ $0 }) else { return }
        var metadata: Logger.Metadata = ["component": "ffmpeg"]
        if let session = SessionTag.current { metadata["session_id"] = "\(session)" }
        // FFmpeg echoes URLs ("Opening 'rtsp://user:pass@…'"): credentials never reach the log.
        logger.log(level: loggerLevel(for: avLevel), "\(SourceURL.redact(line))", metadata: metadata)
    }
}
