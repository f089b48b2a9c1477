import Foundation
import Hummingbird
import Metrics
import Prometheus
import Recorder

/// `GET /metrics`: Prometheus text. Gauges that describe the outside world (database, disk, journal)
/// are read at scrape time so they are never stale.
struct MetricsController<Context: RequestContext>: Sendable {
    let manager: SessionManager
    let registry: PrometheusCollectorRegistry
    /// Read at scrape time; `streamd_active_sessions` has one writer, the session manager's metrics.
    private let databaseUp = Gauge(label: "streamd_database_up")
    private let journalBacklog = Gauge(label: "streamd_journal_backlog")
    private let dataFreeBytes = Gauge(label: "streamd_data_free_bytes")

    init(manager: SessionManager, registry: PrometheusCollectorRegistry) {
        self.manager = manager
        self.registry = registry
    }

    func addRoutes(to router: Router<Context>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        databaseUp.record(await manager.isDatabaseHealthy() ? 1 : 0)
        journalBacklog.record(await manager.journalBacklog())
        if let free = DiskSpace.availableBytes(at: manager.config.dataDirectory) {
            dataFreeBytes.record(free)
        }
        if let counts = await manager.statusCounts() {
            for status in counts.keys.sorted() {
                Gauge(label: "streamd_sessions", dimensions: [("status", status)]).record(counts[status] ?? 0)
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
