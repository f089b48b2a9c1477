import ArgumentParser
import Foundation

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Print the effective configuration, or the error naming the bad key.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let c = try options.load()
        func secret(_ value: String?) -> String { value == nil ? "(unset)" : "(set)" }
        print("""
            listen: \(c.listen)
            public_url: \(c.effectivePublicURL)
            data_dir: \(c.dataDirectory.path)
            node_id: \(c.nodeId)
            heartbeat_interval_sec: \(c.heartbeatIntervalSec)
            log_level: \(c.logLevel.rawValue)
            api_token: \(secret(c.apiToken))
            read_token: \(secret(c.readToken))
            cors_allow_origin: "\(c.corsAllowOrigin)"
            cors_allow_write_origins: [\(c.corsAllowWriteOrigins.map { "\"\($0)\"" }.joined(separator: ", "))]
            database:
              url: \(Self.redacted(c.databaseURL))
              pool_size: \(c.databasePoolSize)
            camera:
              device: \(c.cameraDevice)
              device_id: \(c.cameraDeviceId)
              input_format: \(c.cameraInputFormat ?? "auto")
            media:
              width: \(c.width)
              height: \(c.height)
              fps: \(c.fps)
              segment_seconds: \(c.segmentSeconds)
              segment_format: \(c.segmentFormat.rawValue)
              test_pattern: \(c.testPattern)
              preset: \(c.preset)
              tune: \(c.tune)
              crf: \(c.crf)
              thumbnail_interval_sec: \(c.thumbnailIntervalSec)
              motion_detection: \(c.motionDetection)
              motion_threshold: \(c.motionThreshold)
              motion_min_gap_sec: \(c.motionMinGapSec)
              motion_samples_per_sec: \(c.motionSamplesPerSec)
              motion_copy_frames: \(c.motionCopyFrames.rawValue)
            limits:
              max_sessions: \(c.maxSessions)
              max_duration_sec: \(c.maxDurationSec)
              min_free_mb: \(c.minFreeMB)
              stall_timeout_sec: \(c.stallTimeoutSec)
              shutdown_timeout_sec: \(c.shutdownTimeoutSec)
              request_idle_timeout_sec: \(c.requestIdleTimeoutSec)
              max_connections: \(c.maxConnections)
              max_width: \(c.maxWidth)
              max_height: \(c.maxHeight)
              max_fps: \(c.maxFPS)
            archive:
              export_cache_mb: \(c.exportCacheMB)
            retention:
              enabled: \(c.retentionEnabled)
              max_age_days: \(c.retentionMaxAgeDays)
              max_total_gb: \(c.retentionMaxTotalGB)
              interval_sec: \(c.retentionIntervalSec)
            cameras:\(c.cameras.isEmpty ? " []" : "")
            """ + "\n" + c.cameras.map { "  - {device_id: \"\($0.deviceId)\", url: \"\($0.url.redacted)\", record: \($0.record.rawValue)}\n" }.joined())
    }

    /// Passwords in a connection string are not printed.
    static func redacted(_ url: String) -> String {
        var text = url
        if let range = text.range(of: #"password=\S+"#, options: .regularExpression) { text.replaceSubrange(range, with: "password=***") }
        if let range = text.range(of: #"://[^/@:]+:[^/@]+@"#, options: .regularExpression) {
            let user = text[range].dropFirst(3).prefix { $0 != ":" }
            text.replaceSubrange(range, with: "://\(user):***@")
        }
        return text
    }
}
