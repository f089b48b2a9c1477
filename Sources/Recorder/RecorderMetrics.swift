import Media
import Metrics
import Sessions

/// The recorder's counters and gauges, named for Prometheus (`streamd_*`).
struct RecorderMetrics: Sendable {
    let active = Gauge(label: "streamd_active_sessions")
    let segments = Counter(label: "streamd_segments_written_total")
    let bytes = Counter(label: "streamd_bytes_written_total")
    let deleted = Counter(label: "streamd_sessions_deleted_total")
    let motion = Counter(label: "streamd_motion_events_total")

    func sessionStarted(source: String, active count: Int) {
        Counter(label: "streamd_sessions_started_total", dimensions: [("source", source)]).increment()
        active.record(count)
    }

    func segmentsWritten(_ count: Int, bytes added: Int64) {
        if count > 0 { segments.increment(by: count) }
        if added > 0 { bytes.increment(by: Int(added)) }
    }

    func progress(sessionId: String, stats: PipelineStats, previous: PipelineStats?) {
        Gauge(label: "streamd_encode_fps", dimensions: [("session_id", sessionId)]).record(stats.encodeFPS)
        let newDrops = stats.framesDropped - (previous?.framesDropped ?? 0)
        let dropped = Counter(label: "streamd_dropped_frames_total", dimensions: [("session_id", sessionId)])
        if newDrops > 0 { dropped.increment(by: newDrops) }
        let frames = stats.framesEncoded - (previous?.framesEncoded ?? 0)
        if frames > 0 { Counter(label: "streamd_frames_encoded_total").increment(by: frames) }
    }

    func sessionEnded(sessionId: String, status: SessionStatus, reason: String?, active count: Int) {
        Counter(label: "streamd_sessions_ended_total", dimensions: [("status", status.rawValue)]).increment()
        if let reason {
            Counter(label: "streamd_pipeline_failures_total", dimensions: [("reason", Self.reasonClass(reason))]).increment()
        }
        active.record(count)
        // Per-session series end with their session: kept, they would report a frozen rate and grow
        // `/metrics` (and memory) by every session ever recorded.
        Gauge(label: "streamd_encode_fps", dimensions: [("session_id", sessionId)]).destroy()
        Counter(label: "streamd_dropped_frames_total", dimensions: [("session_id", sessionId)]).destroy()
    }

    func sessionDeleted() { deleted.increment() }

    func motionDetected() { motion.increment() }

    /// A small fixed set of labels, so a failure message cannot create unbounded series.
    static func reasonClass(_ reason: String) -> String {
        let lowered = reason.lowercased()
        if lowered.contains("no space") || lowered.contains("write") || lowered.contains("i/o") { return "storage" }
        if lowered.contains("stall") || lowered.contains("no frame") || lowered.contains("end of") || lowered.contains("source") || lowered.contains("device") { return "source" }
        if lowered.contains("encod") { return "encoder" }
        return "other"
    }
}
