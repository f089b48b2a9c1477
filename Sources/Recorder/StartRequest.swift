import Foundation
import Media
import Sessions

/// The fields of `POST /sessions`, typed but not yet checked against the node's limits.
public struct StartRequest: Sendable, Equatable {
    public enum SourceChoice: String, Sendable, CaseIterable {
        /// The camera when its device node exists, else the test pattern (the seed's behaviour).
        case auto
        case camera
        case testsrc
        /// Wait for an RTSP publisher on `rtsp://host:port/<sessionId>` (stream copy).
        case publish
        /// Pull `url` with libavformat (stream copy, or transcode what cannot be copied).
        case pull
    }

    public var sessionId: String?
    public var deviceId: String?
    public var streamPath: String?
    /// nil: the node's `default_source`.
    public var source: SourceChoice?
    /// The URL of a `pull` source.
    public var url: String?
    public var device: String?
    public var durationSec: Double?
    public var postRollSec: Double?
    public var width: Int?
    public var height: Int?
    public var fps: Int?

    public init(
        sessionId: String? = nil, deviceId: String? = nil, streamPath: String? = nil, source: SourceChoice? = nil,
        url: String? = nil, device: String? = nil, durationSec: Double? = nil, postRollSec: Double? = nil,
        width: Int? = nil, height: Int? = nil, fps: Int? = nil
    ) {
        self.sessionId = sessionId
        self.deviceId = deviceId
        self.streamPath = streamPath
        self.source = source
        self.url = url
        self.device = device
        self.durationSec = durationSec
        self.postRollSec = postRollSec
        self.width = width
        self.height = height
        self.fps = fps
    }
}

/// A start request with every default filled in and every value inside the node's limits.
struct ValidatedStart: Sendable {
    var sessionId: String?
    var deviceId: String
    var source: StartRequest.SourceChoice
    /// Set for `pull`: the parsed source, its credentials kept out of every description.
    var url: SourceURL?
    var device: String
    var durationSec: Double?
    var postRollSec: Double
    var width: Int
    var height: Int
    var fps: Int

    var maxMediaSeconds: Double? { durationSec.map { $0 + postRollSec } }
}

extension StartRequest {
    func validated(against config: RecorderConfig) throws(RecorderError) -> ValidatedStart {
        if let sessionId, !SessionID.isValid(sessionId) {
            throw invalid("invalid_session_id", "sessionId must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ and not be a reserved name (\(SessionID.reserved.sorted().joined(separator: ", "))).")
        }
        if let streamPath, streamPath != sessionId {
            throw invalid("invalid_stream_path", "streamPath, when given, must equal sessionId.")
        }
        let source = self.source ?? config.defaultSource
        var url: SourceURL?
        if source == .pull {
            guard let text = self.url, let parsed = SourceURL(text) else {
                throw invalid("invalid_source_url", "A pull needs a URL: rtsp://, rtsps://, rtmp://, srt://, http:// or https:// with a host, in \"source\" or in \"url\".")
            }
            url = parsed
        } else if self.url != nil {
            throw invalid("invalid_source", "url is only for \"source\": \"pull\".")
        }
        // A pulled stream names its device after the camera's host, a published one after its session.
        let deviceId = self.deviceId ?? url?.host ?? (source == .publish ? sessionId : nil) ?? config.defaultDeviceId
        guard (1...128).contains(deviceId.utf8.count), deviceId.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw invalid("invalid_device_id", "deviceId must be 1 to 128 printable characters.")
        }
        let device = self.device ?? config.defaultDevice
        guard Self.isDevicePath(device) else {
            throw invalid("invalid_device", "device must be a path under /dev/, such as /dev/video0.")
        }
        if let durationSec {
            guard durationSec.isFinite, durationSec > 0, durationSec <= config.maxDurationSec else {
                throw invalid("invalid_duration", "durationSec must be more than 0 and at most \(Int(config.maxDurationSec)) seconds.")
            }
        }
        let postRollSec = self.postRollSec ?? 0
        guard postRollSec.isFinite, (0...Defaults.maxPostRollSec).contains(postRollSec) else {
            throw invalid("invalid_post_roll", "postRollSec must be between 0 and 3600 seconds.")
        }
        let width = self.width ?? config.width
        let height = self.height ?? config.height
        let fps = self.fps ?? config.fps
        guard (16...config.maxWidth).contains(width), width % 2 == 0 else {
            throw invalid("invalid_width", "width must be an even number from 16 to \(config.maxWidth) (limits.max_width).")
        }
        guard (16...config.maxHeight).contains(height), height % 2 == 0 else {
            throw invalid("invalid_height", "height must be an even number from 16 to \(config.maxHeight) (limits.max_height).")
        }
        guard (1...config.maxFPS).contains(fps) else {
            throw invalid("invalid_fps", "fps must be from 1 to \(config.maxFPS) (limits.max_fps).")
        }
        return ValidatedStart(
            sessionId: sessionId, deviceId: deviceId, source: source, url: url, device: device, durationSec: durationSec,
            postRollSec: postRollSec, width: width, height: height, fps: fps)
    }

    static func isDevicePath(_ path: String) -> Bool {
        guard path.hasPrefix("/dev/"), path.utf8.count <= 256 else { return false }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        return !components.contains("..") && !components.contains(".")
            && path.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/_.-".unicodeScalars.contains($0) }
    }

    private func invalid(_ code: String, _ message: String) -> RecorderError {
        RecorderError(.invalid, code: code, message)
    }
}
