import Metrics

/// `streamd_ingest_*` and `streamd_pull_*`: publishers, reconnects, open failures. Handles made
/// once; each series has one writer (the session manager).
struct IngestMetrics: Sendable {
    let publishers = Gauge(label: "streamd_ingest_publishers")
    let publishReconnects = Counter(label: "streamd_ingest_reconnects_total")
    let publishBytes = Counter(label: "streamd_ingest_bytes_total")
    let rtpPackets = Counter(label: "streamd_ingest_rtp_packets_total")
    let rtpPacketsLost = Counter(label: "streamd_ingest_rtp_packets_lost_total")
    let pullReconnects = Counter(label: "streamd_pull_reconnects_total")
    let pullOpenFailures = Counter(label: "streamd_pull_open_failures_total")
}
