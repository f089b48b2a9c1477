import Foundation
import HTTPAPI
import Logging
import Media
import Recorder

/// The effective configuration: built-in defaults, then the YAML file, then `STREAMD_*` variables.
struct StreamdConfig: Sendable {
    var listenHost = "127.0.0.1"
    var listenPort = 8080
    var dataDir = "./data"
    var databaseURL = "postgresql:///streamd"
    var databasePoolSize = 4
    var publicURL: String?
    var apiToken: String?
    var readToken: String?
    var corsAllowOrigin = "*"
    var corsAllowWriteOrigins: [String] = []
    var nodeId = ProcessInfo.processInfo.hostName
    var logLevel = Logger.Level.info
    var logRepeatIntervalSec = 10.0

    var cameraDevice = "/dev/video0"
    var cameraDeviceId = "cam-local"
    var cameraInputFormat: String?

    var width = 1280
    var height = 720
    var fps = 30
    var segmentSeconds = 2.0
    var segmentFormat = SegmentFormat.mpegts
    var testPattern = "testsrc2"
    var preset = "veryfast"
    var tune = "zerolatency"
    var crf = 23

    var maxSessions = 4
    var maxDurationSec = 86_400.0
    var minFreeMB = 256
    var stallTimeoutSec = 5.0
    var shutdownTimeoutSec = 10.0
    var requestIdleTimeoutSec = 60
    var maxConnections = 1024
    var maxWidth = 1920
    var maxHeight = 1080
    var maxFPS = 30

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
        RecorderConfig(
            dataDirectory: dataDirectory, publicURL: effectivePublicURL, nodeId: nodeId,
            defaultDevice: cameraDevice, defaultDeviceId: cameraDeviceId, width: width, height: height, fps: fps,
            segmentSeconds: segmentSeconds, segmentFormat: segmentFormat,
            encoder: EncoderSettings(preset: preset, tune: tune, crf: crf), testPattern: testPattern,
            cameraInputFormat: cameraInputFormat, maxSessions: maxSessions, maxDurationSec: maxDurationSec,
            stallTimeoutSec: stallTimeoutSec, minFreeBytes: Int64(minFreeMB) * 1_048_576,
            shutdownTimeoutSec: shutdownTimeoutSec, maxWidth: maxWidth, maxHeight: maxHeight, maxFPS: maxFPS)
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
        HTTPConfig(
            host: listenHost, port: listenPort, corsAllowOrigin: corsAllowOrigin, corsAllowWriteOrigins: corsAllowWriteOrigins,
            ownOrigins: ownOrigins, apiToken: apiToken, readToken: readToken, idleTimeoutSeconds: Int64(requestIdleTimeoutSec),
            maxConnections: maxConnections)
    }
}
