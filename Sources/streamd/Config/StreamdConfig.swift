import Foundation
import HTTPAPI
import Logging
import Media
import Recorder
import RTSPServer
import Sessions

/// The effective configuration: built-in defaults, then the YAML file, then `STREAMD_*` variables.
struct StreamdConfig: Sendable {
    var listenHost = Defaults.listenHost
    var listenPort = Defaults.listenPort
    var dataDir = Defaults.dataDir
    var databaseURL = Defaults.databaseURL
    var databasePoolSize = Defaults.databasePoolSize
    var publicURL: String?
    var apiToken: String?
    var readToken: String?
    var corsAllowOrigin = Defaults.corsAllowOrigin
    var corsAllowWriteOrigins: [String] = []
    var nodeId = ProcessInfo.processInfo.hostName
    /// Seconds between two heartbeats of this node in the `nodes` table.
    var heartbeatIntervalSec = Defaults.heartbeatIntervalSec
    var logLevel = Logger.Level.info
    var logRepeatIntervalSec = 10.0

    var cameraDevice = Defaults.cameraDevice
    var cameraDeviceId = Defaults.cameraDeviceId
    var cameraInputFormat: String?

    var width = Defaults.width
    var height = Defaults.height
    var fps = Defaults.fps
    var segmentSeconds = Defaults.segmentSeconds
    var segmentFormat = SegmentFormat.mpegts
    var testPattern = Defaults.testPattern
    var preset = Defaults.x264Preset
    var tune = Defaults.x264Tune
    var crf = Defaults.x264CRF
    /// 0 turns thumbnails off.
    var thumbnailIntervalSec = Defaults.thumbnailIntervalSec
    var motionDetection = Defaults.motionDetection
    var motionThreshold = Defaults.motionThreshold
    var motionMinGapSec = Defaults.motionMinGapSec
    var motionSamplesPerSec = Defaults.motionSamplesPerSec
    var motionCopyFrames = MotionSettings.CopyFrames.keyframes

    var maxSessions = Defaults.maxSessions
    var maxDurationSec = Defaults.maxDurationSec
    var minFreeMB = Defaults.minFreeMB
    var stallTimeoutSec = Defaults.stallTimeoutSec
    var shutdownTimeoutSec = Defaults.shutdownTimeoutSec
    var requestIdleTimeoutSec = Defaults.requestIdleTimeoutSec
    var maxConnections = Defaults.maxConnections
    var maxWidth = Defaults.maxWidth
    var maxHeight = Defaults.maxHeight
    var maxFPS = Defaults.maxFps

    /// RTSP publish server; empty disables it.
    var rtspListen = Defaults.rtspListen
    var defaultSource = StartRequest.SourceChoice.auto
    var autoSessions = true
    var reconnectGraceSec = Defaults.reconnectGraceSec
    var publishWaitSec = Defaults.publishWaitSec
    /// UDP ports for RTP/RTCP from publishers: nil = a free pair per SETUP.
    var udpPorts: ClosedRange<Int>?
    var maxSessionSec = Defaults.maxSessionSec
    var maxIngestSessions = Defaults.maxIngestSessions
    /// The `cameras:` list; those with `record: always` are pulled while streamd runs.
    var cameras: [ConfiguredCamera] = []

    /// `archive.export_cache_mb`: finished MP4 exports kept under `data/exports/`.
    var exportCacheMB = Defaults.exportCacheMB

    var retentionEnabled = false
    var retentionMaxAgeDays = 0.0
    var retentionMaxTotalGB = 0.0
    var retentionIntervalSec = 300.0

    var listen: String { "\(listenHost):\(listenPort)" }
    var effectivePublicURL: String {
        var url = publicURL ?? "http://\(listen)"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
    var dataDirectory: URL { URL(fileURLWithPath: dataDir, isDirectory: true).standardizedFileURL }

    var recorder: RecorderConfig {
        var config = RecorderConfig(
            dataDirectory: dataDirectory, publicURL: effectivePublicURL, nodeId: nodeId,
            defaultDevice: cameraDevice, defaultDeviceId: cameraDeviceId, width: width, height: height, fps: fps,
            segmentSeconds: segmentSeconds, segmentFormat: segmentFormat,
            encoder: EncoderSettings(preset: preset, tune: tune, crf: crf), testPattern: testPattern,
            cameraInputFormat: cameraInputFormat, maxSessions: maxSessions, maxDurationSec: maxDurationSec,
            stallTimeoutSec: stallTimeoutSec, minFreeBytes: Int64(minFreeMB) * 1_048_576,
            shutdownTimeoutSec: shutdownTimeoutSec, maxWidth: maxWidth, maxHeight: maxHeight, maxFPS: maxFPS)
        config.defaultSource = defaultSource
        config.autoSessions = autoSessions
        config.reconnectGraceSec = reconnectGraceSec
        config.publishWaitSec = publishWaitSec
        config.maxIngestSessions = maxIngestSessions
        config.maxSessionSec = maxSessionSec
        config.exportCacheBytes = Int64(exportCacheMB) * 1_048_576
        config.frameAnalysis = frameAnalysis
        return config
    }

    var frameAnalysis: FrameAnalysis {
        FrameAnalysis(
            thumbnailIntervalSeconds: thumbnailIntervalSec > 0 ? thumbnailIntervalSec : nil,
            motion: motionDetection
                ? MotionSettings(threshold: motionThreshold, minGapSeconds: motionMinGapSec,
                                 samplesPerSecond: motionSamplesPerSec, copyFrames: motionCopyFrames)
                : nil)
    }

    /// The RTSP server's settings, nil when `ingest.rtsp_listen` is empty.
    var rtspServerConfig: RTSPServerConfig? {
        get throws {
            guard !rtspListen.isEmpty else { return nil }
            let (host, port) = try Self.parseListen(rtspListen, key: "ingest.rtsp_listen")
            return RTSPServerConfig(host: host, port: port, udpPortRange: udpPorts, token: apiToken)
        }
    }

    var retention: RetentionPolicy {
        guard retentionEnabled else { return RetentionPolicy() }
        return RetentionPolicy(
            maxAgeSec: retentionMaxAgeDays > 0 ? retentionMaxAgeDays * 86_400 : nil,
            maxTotalBytes: retentionMaxTotalGB > 0 ? Int64(retentionMaxTotalGB * 1_073_741_824) : nil,
            minFreeBytes: minFreeMB > 0 ? Int64(minFreeMB) * 1_048_576 : nil)
    }

    /// streamd's own origins: the public URL's and the listen address's.
    var ownOrigins: [String] {
        var origins = HTTPConfig.listenOrigins(host: listenHost, port: listenPort)
        if let origin = HTTPConfig.origin(ofURL: effectivePublicURL), !origins.contains(origin) { origins.insert(origin, at: 0) }
        return origins
    }

    var http: HTTPConfig {
        var config = HTTPConfig(
            host: listenHost, port: listenPort, corsAllowOrigin: corsAllowOrigin, corsAllowWriteOrigins: corsAllowWriteOrigins,
            ownOrigins: ownOrigins, apiToken: apiToken, readToken: readToken, idleTimeoutSeconds: Int64(requestIdleTimeoutSec),
            maxConnections: maxConnections)
        config.rtspPublishBase = rtspPublishBase
        return config
    }

    /// `rtsp://host:port` of the RTSP server as publishers reach it: the public URL's host when one
    /// is set, else the listen address; nil when the server is off.
    var rtspPublishBase: String? {
        guard !rtspListen.isEmpty, let colon = rtspListen.lastIndex(of: ":") else { return nil }
        let port = rtspListen[rtspListen.index(after: colon)...]
        var host = String(rtspListen[..<colon])
        if let publicURL, let start = publicURL.range(of: "://") {
            let authority = publicURL[start.upperBound...].prefix { $0 != "/" }
            let hostPart = authority.split(separator: "@").last.map(String.init) ?? String(authority)
            host = hostPart.hasPrefix("[") ? String(hostPart.prefix { $0 != "]" }) + "]" : String(hostPart.prefix { $0 != ":" })
        }
        return "rtsp://\(host.isEmpty ? "0.0.0.0" : host):\(port)"
    }
}
