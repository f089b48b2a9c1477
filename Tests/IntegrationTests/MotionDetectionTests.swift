import Foundation
import StreamdTestSupport
import Testing

/// `media.motion_detection: true` end to end: the built-in detector's events land in the detections
/// table as `motion` items of their session, searchable and on the device timeline, with no outside detector.
@Suite(.enabled(if: ServiceTestEnvironment.hasBinaryAndDatabase, "\(ServiceTestEnvironment.skipReason)"))
struct MotionDetectionTests {
    static let config = """
        media: {width: 320, height: 240, fps: 15, segment_seconds: 1, motion_detection: true, motion_min_gap_sec: 1}
        limits: {max_sessions: 4, min_free_mb: 0}
        log_level: info
        """

    @Test func theMovingPatternIsStoredAsMotionDetections() async throws {
        try await ServiceStorage.with { storage in
            try await ServiceDaemon.with(storage: storage, config: Self.config) { daemon in
                let recorded = try await DetectionTests.recordSession(daemon, deviceId: "cam-motion")
                let items = try await Eventually.value("motion detections of \(recorded.id)", timeout: .seconds(60), interval: .milliseconds(250)) { () -> [[String: Any]]? in
                    let page = try await Curl.request("GET", daemon.baseURL + "/sessions/\(recorded.id)/detections?label=motion").json()
                    let items = page["detections"] as? [[String: Any]] ?? []
                    return items.isEmpty ? nil : items
                }
                for item in items {
                    #expect(item["label"] as? String == "motion")
                    #expect(item["device_id"] as? String == "cam-motion")
                    let confidence = try #require(item["confidence"] as? Double)
                    #expect(confidence > 0 && confidence <= 1)
                    let ts = try #require((item["ts"] as? String).flatMap(DetectionTests.parseISO))
                    let ms = Int64(ts.timeIntervalSince1970 * 1000)
                    #expect(ms >= recorded.startMs - 5000 && ms <= recorded.endMs + 5000, "\(item)")
                    #expect((item["id"] as? String)?.hasPrefix("motion-") == true)
                }
                // The search across sessions finds them, with a playback URL into the device playlist.
                let search = try await Curl.request("GET", daemon.baseURL + "/detections?label=motion&deviceId=cam-motion").json()
                let found = search["detections"] as? [[String: Any]] ?? []
                #expect(found.count == items.count)
                #expect(found.allSatisfy { ($0["playback_url"] as? String)?.contains("/devices/cam-motion/index.m3u8") == true })
            }
        }
    }
}
