import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("/metrics")
struct MetricsTests {
    /// `name{labels} value` lines of the Prometheus text format, summed over label sets that contain `matching`.
    static func value(_ text: String, _ name: String, matching: String = "") -> Double {
        text.split(separator: "\n").filter { line in
            !line.hasPrefix("#") && (line.hasPrefix(name + " ") || line.hasPrefix(name + "{")) && (matching.isEmpty || line.contains(matching))
        }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    // Other suites record in parallel in this process, so counters are compared with >=.
    @Test func countersMoveWhenASessionRecords() async throws {
        let daemon = try TestDaemon()
        try await daemon.test { client in
            let before = try await client.send(.get, "/metrics")
            #expect(before.status == .ok)
            #expect(before.headers[.contentType]?.hasPrefix("text/plain") == true)
            let segmentsBefore = Self.value(before.text, "streamd_segments_written_total")
            let bytesBefore = Self.value(before.text, "streamd_bytes_written_total")
            let startedBefore = Self.value(before.text, "streamd_sessions_started_total", matching: "testsrc")
            let completedBefore = Self.value(before.text, "streamd_sessions_ended_total", matching: #"status="completed""#)
            let framesBefore = Self.value(before.text, "streamd_frames_encoded_total")

            let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"metrics-1","source":"testsrc","durationSec":2.5}"#)
            #expect(created.status == .created)
            let during = try await client.send(.get, "/metrics")
            #expect(Self.value(during.text, "streamd_active_sessions") >= 1)
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, try await client.send(.get, "/sessions/metrics-1").json["status"] as? String != "completed" {
                try await Task.sleep(for: .milliseconds(100))
            }

            let after = try await client.send(.get, "/metrics").text
            #expect(Self.value(after, "streamd_segments_written_total") > segmentsBefore)
            #expect(Self.value(after, "streamd_bytes_written_total") > bytesBefore)
            // 2.5 s at 15 fps: every encoded frame is counted, not only those between progress reports.
            #expect(Self.value(after, "streamd_frames_encoded_total") >= framesBefore + 37)
            #expect(Self.value(after, "streamd_sessions_started_total", matching: "testsrc") >= startedBefore + 1)
            #expect(Self.value(after, "streamd_sessions_ended_total", matching: #"status="completed""#) >= completedBefore + 1)
            #expect(Self.value(after, "streamd_database_up") == 1)
            #expect(Self.value(after, "streamd_data_free_bytes") > 0)
            #expect(after.contains("streamd_journal_backlog"))
            #expect(Self.value(after, "streamd_sessions", matching: #"status="completed""#) >= 1)
            // Requests by route and status, with a latency histogram.
            #expect(Self.value(after, "streamd_http_requests_total", matching: #"route="/sessions""#) >= 1)
            #expect(after.contains("streamd_http_request_duration_seconds_bucket"))

            await daemon.repository.setHealthy(false)
            #expect(Self.value(try await client.send(.get, "/metrics").text, "streamd_database_up") == 0)
        }
    }
}
