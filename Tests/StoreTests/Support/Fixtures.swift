import Foundation
import Sessions
import Store

enum Fixtures {
    /// 2024-02-14T12:00:00Z, the contract's example.
    static let baseMs: Int64 = 1_707_912_000_000

    static func session(
        _ id: String, device: String = "cam-1", status: SessionStatus = .recording, createdMs: Int64 = baseMs,
        node: String = "node-a"
    ) -> Session {
        Session(
            sessionId: id, deviceId: device, streamPath: id, status: status, source: "testsrc",
            playlistUrl: "http://127.0.0.1:8080/\(id)/index.m3u8", node: node,
            createdAt: Date(epochMilliseconds: createdMs), updatedAt: Date(epochMilliseconds: createdMs))
    }

    /// Every optional set and every field away from its default, so a dropped column shows.
    static func everyField(_ id: String) -> Session {
        Session(
            sessionId: id, deviceId: "cam-ß-€", streamPath: id, status: .failed, source: "camera",
            device: "/dev/video2", edgeStartTs: 1_707_912_000_123, edgeEndTs: 1_707_912_045_987,
            playlistUrl: "http://example.test/\(id)/index.m3u8", durationSec: 45.5, postRollSec: 5.25,
            width: 640, height: 480, fps: 25, mediaDurationSec: 50.75, segmentCount: 26,
            bytes: 9_876_543_210, error: "camera busy: 'quoted' \"text\" \\ and \n newline", node: "node-b",
            createdAt: Date(epochMilliseconds: 1_707_912_000_456), updatedAt: Date(epochMilliseconds: 1_707_912_050_789))
    }
}
