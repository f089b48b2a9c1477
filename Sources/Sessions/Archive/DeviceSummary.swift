import Foundation

/// What `GET /devices` tells about one device: its sessions taken together.
public struct DeviceSummary: Sendable, Equatable {
    public var deviceId: String
    public var sessions: Int
    /// One of its sessions is starting or recording now.
    public var recording: Bool
    /// The first captured frame of its sessions (epoch ms), nil when none has one.
    public var firstAt: Int64?
    /// The last captured frame of its sessions (epoch ms).
    public var lastAt: Int64?
    public var mediaSec: Double
    public var bytes: Int64

    public init(
        deviceId: String, sessions: Int, recording: Bool, firstAt: Int64?, lastAt: Int64?, mediaSec: Double, bytes: Int64
    ) {
        self.deviceId = deviceId
        self.sessions = sessions
        self.recording = recording
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.mediaSec = mediaSec
        self.bytes = bytes
    }

    /// The summary of one device's sessions; the in-memory repository and tests use it as the oracle.
    public static func of(deviceId: String, sessions: [Session]) -> DeviceSummary {
        DeviceSummary(
            deviceId: deviceId, sessions: sessions.count,
            recording: sessions.contains { $0.status == .starting || $0.status == .recording },
            firstAt: sessions.compactMap(\.edgeStartTs).min(),
            lastAt: sessions.compactMap { $0.edgeEndTs ?? $0.edgeStartTs }.max(),
            mediaSec: sessions.reduce(0) { $0 + $1.mediaDurationSec },
            bytes: sessions.reduce(0) { $0 + $1.bytes })
    }
}
