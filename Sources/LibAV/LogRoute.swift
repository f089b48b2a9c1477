import CFFmpeg
import Synchronization

/// FFmpeg's log (av_log, including libx264's) handed to a Swift sink: one formatted line at a
/// time, on whichever thread logged (pipeline, x264 worker, …).
public enum LogRoute {
    /// av_log levels, most severe first.
    public enum Level: Int32, Sendable, Comparable {
        case quiet = -8, panic = 0, fatal = 8, error = 16, warning = 24, info = 32, verbose = 40, debug = 48, trace = 56

        /// The named level at or above (more severe than) a raw av_log level.
        init(raw: Int32) {
            let levels: [Level] = [.panic, .fatal, .error, .warning, .info, .verbose, .debug, .trace]
            self = levels.first { raw <= $0.rawValue } ?? .trace
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public typealias Sink = @Sendable (Level, String) -> Void

    private static let sink = Mutex<Sink?>(nil)

    /// Installs the callback process-wide with FFmpeg's level set to `level`; lines above it
    /// (less severe) are not formatted at all.
    public static func install(level: Level, sink newSink: @escaping Sink) {
        sink.withLock { $0 = newSink }
        av_log_set_level(level.rawValue)
        // The closure captures nothing: libav calls it through a plain C function pointer.
        av_log_set_callback { context, level, format, arguments in
            forwardLog(context, level, format, arguments)
        }
    }

    static func emit(_ level: Int32, _ line: String) {
        guard let current = sink.withLock({ $0 }) else { return }
        current(Level(raw: level), line)
    }
}

/// Formats one av_log call with av_log_format_line2.
private func forwardLog(_ context: UnsafeMutableRawPointer?, _ level: Int32,
                        _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?) {
    guard level <= av_log_get_level(), let format, let arguments else { return }
    var printPrefix: Int32 = 1
    var buffer = [CChar](repeating: 0, count: 1024)
    let length = av_log_format_line2(context, level, format, arguments, &buffer, Int32(buffer.count), &printPrefix)
    guard length > 0 else { return }
    var line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while line.last?.isNewline == true { line.removeLast() }
    guard !line.isEmpty else { return }
    LogRoute.emit(level, line)
}
