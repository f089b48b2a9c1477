import Hummingbird
import Recorder

/// `GET /healthz`: 200 while the daemon itself is healthy; the database part says `ok` or `down`
/// (recording goes on without it, so a database outage is reported, not failed).
struct HealthController<Context: RequestContext>: Sendable {
    let manager: SessionManager

    func addRoutes(to router: Router<Context>) {
        router.get("/healthz", use: health)
        router.head("/healthz", use: health)
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let databaseUp = await manager.isDatabaseHealthy()
        let active = await manager.activeCount
        let backlog = await manager.journalBacklog()
        let body = #"{"status":"ok","database":"\#(databaseUp ? "ok" : "down")","active_sessions":\#(active),"journal_backlog":\#(backlog)}"#
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
