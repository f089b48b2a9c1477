import Foundation
import HTTPAPI
import Logging
import Media
import Recorder
import Yams

/// A configuration problem, always naming the key (`media.width`) or variable at fault.
struct ConfigError: Error, CustomStringConvertible {
    var key: String
    var problem: String
    var description: String { "configuration error at \(key): \(problem)" }
}

extension StreamdConfig {
    /// Defaults ← YAML file (when given and present) ← environment.
    static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StreamdConfig {
        var config = StreamdConfig()
        let path = file ?? environment["STREAMD_CONFIG"]
        if let path {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigError(key: path, problem: "cannot read the file (\(error.localizedDescription))")
            }
            try config.apply(yaml: text, file: path)
        }
        try config.apply(environment: environment)
        try config.check()
        return config
    }

    mutating func apply(yaml text: String, file: String) throws {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ConfigError(key: file, problem: "not valid YAML (\(error))")
        }
        guard let root else { return }
        guard let top = root as? [String: Any] else { throw ConfigError(key: file, problem: "the top level must be a mapping of keys") }
        var reader = YAMLReader(values: top, prefix: "")
        try reader.read(&self)
    }

    mutating func apply(environment env: [String: String]) throws {
        if let listen = env["STREAMD_LISTEN"], !listen.isEmpty {
            (listenHost, listenPort) = try Self.parseListen(listen, key: "STREAMD_LISTEN")
        }
        if let dir = env["STREAMD_DATA_DIR"], !dir.isEmpty { dataDir = dir }
        if let url = env["STREAMD_DATABASE_URL"], !url.isEmpty { databaseURL = url }
        if let url = env["STREAMD_PUBLIC_URL"], !url.isEmpty { publicURL = url }
        if let token = env["STREAMD_API_TOKEN"], !token.isEmpty { apiToken = token }
        if let token = env["STREAMD_READ_TOKEN"], !token.isEmpty { readToken = token }
        if let listen = env["STREAMD_RTSP_LISTEN"] { rtspListen = listen }
        if let source = env["STREAMD_DEFAULT_SOURCE"], !source.isEmpty {
            defaultSource = try Self.parseDefaultSource(source, key: "STREAMD_DEFAULT_SOURCE")
        }
        if let node = env["STREAMD_NODE_ID"], !node.isEmpty { nodeId = node }
        if let origins = env["STREAMD_CORS_ALLOW_WRITE_ORIGINS"] {
            corsAllowWriteOrigins = origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let level = env["STREAMD_LOG_LEVEL"], !level.isEmpty {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ConfigError(key: "STREAMD_LOG_LEVEL", problem: "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logLevel = parsed
        }
    }

    static func parseListen(_ value: String, key: String) throws -> (String, Int) {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]), (1...65535).contains(port) else {
            throw ConfigError(key: key, problem: "\"\(value)\" is not host:port (for example 127.0.0.1:8080)")
        }
        var host = String(value[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    static func parseDefaultSource(_ value: String, key: String) throws -> StartRequest.SourceChoice {
        guard let choice = StartRequest.SourceChoice(rawValue: value), choice != .pull else {
            throw ConfigError(key: key, problem: "\"\(value)\" must be auto, camera, testsrc or publish")
        }
        return choice
    }

    /// `A-B`: the UDP ports publishers' RTP and RTCP may use (pairs from an even port).
    static func parsePortRange(_ value: String, key: String) throws -> ClosedRange<Int>? {
        if value.isEmpty { return nil }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), (1024...65535).contains(low),
              (1024...65535).contains(high), high - low >= 1 else {
            throw ConfigError(key: key, problem: "\"\(value)\" is not a port range A-B within 1024-65535 holding at least one pair")
        }
        return low...high
    }

    func check() throws {
        func require(_ ok: Bool, _ key: String, _ problem: String) throws {
            if !ok { throw ConfigError(key: key, problem: problem) }
        }
        try require((16...3840).contains(maxWidth) && maxWidth % 2 == 0, "limits.max_width", "must be an even number from 16 to 3840")
        try require((16...2160).contains(maxHeight) && maxHeight % 2 == 0, "limits.max_height", "must be an even number from 16 to 2160")
        try require((1...60).contains(maxFPS), "limits.max_fps", "must be from 1 to 60")
        try require((16...maxWidth).contains(width) && width % 2 == 0, "media.width", "must be an even number from 16 to limits.max_width (\(maxWidth))")
        try require((16...maxHeight).contains(height) && height % 2 == 0, "media.height", "must be an even number from 16 to limits.max_height (\(maxHeight))")
        try require((1...maxFPS).contains(fps), "media.fps", "must be from 1 to limits.max_fps (\(maxFPS))")
        try require(maxConnections >= 16, "limits.max_connections", "must be at least 16")
        try require(segmentSeconds >= 0.5 && segmentSeconds <= 60, "media.segment_seconds", "must be from 0.5 to 60")
        try require(["testsrc", "testsrc2"].contains(testPattern), "media.test_pattern", "must be testsrc2 or testsrc")
        try require((0...51).contains(crf), "media.crf", "must be from 0 to 51")
        try require(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"].contains(preset), "media.preset", "must be an x264 preset such as veryfast")
        try require(["zerolatency", "film", "animation", "grain", "stillimage", "fastdecode", "psnr", "ssim", ""].contains(tune), "media.tune", "must be an x264 tune such as zerolatency")
        try require(thumbnailIntervalSec == 0 || (0.1...3600).contains(thumbnailIntervalSec), "media.thumbnail_interval_sec", "must be 0 (off) or from 0.1 to 3600")
        try require(motionThreshold > 0 && motionThreshold <= 1, "media.motion_threshold", "must be above 0 and at most 1 (the share of the picture that changes)")
        try require(motionMinGapSec >= 0 && motionMinGapSec <= 86_400, "media.motion_min_gap_sec", "must be from 0 to 86400")
        try require(motionSamplesPerSec > 0 && motionSamplesPerSec <= 60, "media.motion_samples_per_sec", "must be above 0 and at most 60")
        try require((1...64).contains(maxSessions), "limits.max_sessions", "must be from 1 to 64")
        try require(maxDurationSec > 0, "limits.max_duration_sec", "must be positive")
        try require(minFreeMB >= 0, "limits.min_free_mb", "must be 0 or more")
        try require(exportCacheMB >= 0 && exportCacheMB <= 16 * 1_048_576, "archive.export_cache_mb", "must be from 0 to 16777216 (MiB)")
        try require(stallTimeoutSec >= 1, "limits.stall_timeout_sec", "must be at least 1")
        try require(shutdownTimeoutSec >= 1, "limits.shutdown_timeout_sec", "must be at least 1")
        try require((1...64).contains(databasePoolSize), "database.pool_size", "must be from 1 to 64")
        try require(cameraDevice.hasPrefix("/dev/"), "camera.device", "must be a path under /dev/")
        try require(cameraInputFormat == nil || ["mjpeg", "yuyv422"].contains(cameraInputFormat ?? ""), "camera.input_format", "must be auto, mjpeg or yuyv422")
        try require(!nodeId.isEmpty, "node_id", "must not be empty")
        try require(nodeId.utf8.count <= 128 && !nodeId.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                    "node_id", "must be at most 128 characters without control characters")
        // Alive means seen within 30 s: a slower heartbeat would show a running node as dead.
        try require(heartbeatIntervalSec >= 0.5 && heartbeatIntervalSec <= 15, "heartbeat_interval_sec", "must be from 0.5 to 15")
        if !rtspListen.isEmpty { _ = try Self.parseListen(rtspListen, key: "ingest.rtsp_listen") }
        try require((1...10_000).contains(maxIngestSessions), "limits.max_ingest_sessions", "must be from 1 to 10000")
        try require(reconnectGraceSec >= 0 && reconnectGraceSec <= 3600, "ingest.reconnect_grace_sec", "must be from 0 to 3600")
        try require(publishWaitSec >= 1 && publishWaitSec <= 86_400, "ingest.publish_wait_sec", "must be from 1 to 86400")
        // Small values serve tests; a camera's sessions are cut at keyframes, so a session lasts at least one GOP.
        try require(maxSessionSec >= 2, "ingest.max_session_sec", "must be at least 2")
        try require(cameras.count { $0.record == .always } <= maxIngestSessions, "cameras",
                    "has more always-recording cameras than limits.max_ingest_sessions (\(maxIngestSessions))")
        // A deployment that protects reading protects writing too: a read token alone would leave every
        // write open while looking locked down.
        try require(readToken == nil || apiToken != nil, "read_token",
                    "is set without api_token: set api_token (STREAMD_API_TOKEN) too, or remove read_token")
        for origin in corsAllowWriteOrigins {
            try require(HTTPConfig.origin(ofURL: origin) != nil, "cors_allow_write_origins", "\"\(origin)\" is not an origin such as https://ops.example.com")
        }
        if let publicURL {
            try require(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://"), "public_url", "must start with http:// or https://")
        }
    }
}
