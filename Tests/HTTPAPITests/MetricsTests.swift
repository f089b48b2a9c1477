import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import StreamdTestSupport
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

            // Open-ended, so it is surely active while /metrics is read however slow the machine; it is
            // closed once it holds 2.5 s of media.
            let created = try await client.send(.post, "/sessions", json: #"{"sessionId":"metrics-1","source":"testsrc"}"#)
            #expect(created.status == .created)
            try await Eventually.until("streamd_active_sessions >= 1", timeout: .seconds(20)) {
                Self.value(try await client.send(.get, "/metrics").text, "streamd_active_sessions") >= 1
            }
            try await Eventually.until("metrics-1 to hold 2.5 s of media and a segment", timeout: .seconds(30)) {
                let session = try await client.send(.get, "/sessions/metrics-1").json
                return (session["media_duration_sec"] as? Double ?? 0) >= 2.5 && (session["segment_count"] as? Int ?? 0) >= 1
            }
            let closed = try await client.send(.post, "/sessions/metrics-1/close")
            #expect(closed.json["status"] as? String == "completed")

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
