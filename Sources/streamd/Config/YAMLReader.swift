import Foundation
import Logging
import Media

/// Reads the YAML mapping into `StreamdConfig`, key by key, so every mistake names its key, and an
/// unknown key (a typo) is an error instead of a silently ignored setting.
struct YAMLReader {
    var values: [String: Any]
    let prefix: String
    private var seen: Set<String> = []

    init(values: [String: Any], prefix: String) {
        self.values = values
        self.prefix = prefix
    }

    mutating func read(_ c: inout StreamdConfig) throws {
        if let listen = try string("listen") { (c.listenHost, c.listenPort) = try StreamdConfig.parseListen(listen, key: "listen") }
        c.dataDir = try string("data_dir") ?? c.dataDir
        c.publicURL = try string("public_url").flatMap { $0.isEmpty ? nil : $0 } ?? c.publicURL
        c.apiToken = try string("api_token").flatMap { $0.isEmpty ? nil : $0 } ?? c.apiToken
        c.readToken = try string("read_token").flatMap { $0.isEmpty ? nil : $0 } ?? c.readToken
        c.corsAllowOrigin = try string("cors_allow_origin") ?? c.corsAllowOrigin
        c.corsAllowWriteOrigins = try strings("cors_allow_write_origins") ?? c.corsAllowWriteOrigins
        c.nodeId = try string("node_id").flatMap { $0.isEmpty ? nil : $0 } ?? c.nodeId
        c.heartbeatIntervalSec = try number("heartbeat_interval_sec") ?? c.heartbeatIntervalSec
        if let level = try string("log_level") {
            guard let parsed = Logger.Level(rawValue: level) else { throw problem("log_level", "must be one of trace, debug, info, notice, warning, error, critical") }
            c.logLevel = parsed
        }
        c.logRepeatIntervalSec = try number("log_repeat_interval_sec") ?? c.logRepeatIntervalSec
        if let source = try string("default_source") { c.defaultSource = try StreamdConfig.parseDefaultSource(source, key: "default_source") }
        if var ingest = try section("ingest") {
            c.rtspListen = try ingest.string("rtsp_listen") ?? c.rtspListen
            c.autoSessions = try ingest.bool("auto_sessions") ?? c.autoSessions
            c.reconnectGraceSec = try ingest.number("reconnect_grace_sec") ?? c.reconnectGraceSec
            c.publishWaitSec = try ingest.number("publish_wait_sec") ?? c.publishWaitSec
            c.maxSessionSec = try ingest.number("max_session_sec") ?? c.maxSessionSec
            if let ports = try ingest.string("udp_ports") { c.udpPorts = try StreamdConfig.parsePortRange(ports, key: "ingest.udp_ports") }
            try ingest.finish()
        }
        if let cameras = take("cameras") { c.cameras = try CameraConfigReader.read(cameras, key: prefix + "cameras") }
        if var db = try section("database") {
            c.databaseURL = try db.string("url") ?? c.databaseURL
            c.databasePoolSize = try db.integer("pool_size") ?? c.databasePoolSize
            try db.finish()
        }
        if var camera = try section("camera") {
            c.cameraDevice = try camera.string("device") ?? c.cameraDevice
            c.cameraDeviceId = try camera.string("device_id") ?? c.cameraDeviceId
            if let format = try camera.string("input_format") { c.cameraInputFormat = format == "auto" ? nil : format }
            try camera.finish()
        }
        if var media = try section("media") {
            c.width = try media.integer("width") ?? c.width
            c.height = try media.integer("height") ?? c.height
            c.fps = try media.integer("fps") ?? c.fps
            c.segmentSeconds = try media.number("segment_seconds") ?? c.segmentSeconds
            if let format = try media.string("segment_format") {
                guard let parsed = SegmentFormat(rawValue: format) else { throw media.problem("segment_format", "must be mpegts or fmp4") }
                c.segmentFormat = parsed
            }
            c.testPattern = try media.string("test_pattern") ?? c.testPattern
            c.preset = try media.string("preset") ?? c.preset
            c.tune = try media.string("tune") ?? c.tune
            c.crf = try media.integer("crf") ?? c.crf
            c.thumbnailIntervalSec = try media.number("thumbnail_interval_sec") ?? c.thumbnailIntervalSec
            c.motionDetection = try media.bool("motion_detection") ?? c.motionDetection
            c.motionThreshold = try media.number("motion_threshold") ?? c.motionThreshold
            c.motionMinGapSec = try media.number("motion_min_gap_sec") ?? c.motionMinGapSec
            c.motionSamplesPerSec = try media.number("motion_samples_per_sec") ?? c.motionSamplesPerSec
            if let frames = try media.string("motion_copy_frames") {
                guard let parsed = MotionSettings.CopyFrames(rawValue: frames) else { throw media.problem("motion_copy_frames", "must be keyframes or all") }
                c.motionCopyFrames = parsed
            }
            try media.finish()
        }
        if var limits = try section("limits") {
            c.maxSessions = try limits.integer("max_sessions") ?? c.maxSessions
            c.maxIngestSessions = try limits.integer("max_ingest_sessions") ?? c.maxIngestSessions
            c.maxDurationSec = try limits.number("max_duration_sec") ?? c.maxDurationSec
            c.minFreeMB = try limits.integer("min_free_mb") ?? c.minFreeMB
            c.stallTimeoutSec = try limits.number("stall_timeout_sec") ?? c.stallTimeoutSec
            c.shutdownTimeoutSec = try limits.number("shutdown_timeout_sec") ?? c.shutdownTimeoutSec
            c.requestIdleTimeoutSec = try limits.integer("request_idle_timeout_sec") ?? c.requestIdleTimeoutSec
            c.maxConnections = try limits.integer("max_connections") ?? c.maxConnections
            c.maxWidth = try limits.integer("max_width") ?? c.maxWidth
            c.maxHeight = try limits.integer("max_height") ?? c.maxHeight
            c.maxFPS = try limits.integer("max_fps") ?? c.maxFPS
            try limits.finish()
        }
        if var archive = try section("archive") {
            c.exportCacheMB = try archive.integer("export_cache_mb") ?? c.exportCacheMB
            try archive.finish()
        }
        if var retention = try section("retention") {
            c.retentionEnabled = try retention.bool("enabled") ?? c.retentionEnabled
            c.retentionMaxAgeDays = try retention.number("max_age_days") ?? c.retentionMaxAgeDays
            c.retentionMaxTotalGB = try retention.number("max_total_gb") ?? c.retentionMaxTotalGB
            c.retentionIntervalSec = try retention.number("interval_sec") ?? c.retentionIntervalSec
            try retention.finish()
        }
        try finish()
    }

    mutating func take(_ key: String) -> Any? {
        seen.insert(key)
        guard let value = values[key], !(value is NSNull) else { return nil }
        return value
    }

    func problem(_ key: String, _ text: String) -> ConfigError { ConfigError(key: prefix + key, problem: text) }

    mutating func string(_ key: String) throws -> String? {
        guard let value = take(key) else { return nil }
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        throw problem(key, "must be a string")
    }

    /// A list of strings; a single string is a list of one.
    mutating func strings(_ key: String) throws -> [String]? {
        guard let value = take(key) else { return nil }
        if let text = value as? String { return text.isEmpty ? [] : [text] }
        guard let list = value as? [Any], let texts = list as? [String] else { throw problem(key, "must be a list of strings") }
        return texts
    }

    mutating func integer(_ key: String) throws -> Int? {
        guard let value = take(key) else { return nil }
        guard let number = value as? Int else { throw problem(key, "must be an integer, not \(value)") }
        return number
    }

    mutating func number(_ key: String) throws -> Double? {
        guard let value = take(key) else { return nil }
        if let number = value as? Int { return Double(number) }
        guard let number = value as? Double else { throw problem(key, "must be a number, not \(value)") }
        return number
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let value = take(key) else { return nil }
        guard let flag = value as? Bool else { throw problem(key, "must be true or false, not \(value)") }
        return flag
    }

    mutating func section(_ key: String) throws -> YAMLReader? {
        guard let value = take(key) else { return nil }
        guard let mapping = value as? [String: Any] else { throw problem(key, "must be a mapping of keys") }
        return YAMLReader(values: mapping, prefix: prefix + key + ".")
    }

    /// Every key must have been read: anything left is unknown.
    func finish() throws {
        if let unknown = values.keys.filter({ !seen.contains($0) }).sorted().first {
            throw problem(unknown, "unknown key (check its spelling against etc/streamd/streamd.yaml)")
        }
    }
}
