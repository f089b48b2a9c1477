import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import Recorder
import ServiceLifecycle

/// Every route of the one HTTP server, behind the middleware chain:
/// metrics (outermost, sees final statuses) → origin rule for writes → CORS (reads) → errors as JSON → auth
/// → redirects to the owning node → routes. `fleet` is nil for a daemon that is not told about other nodes (tests).
public func buildRouter(
    manager: SessionManager, config: HTTPConfig, registry: PrometheusCollectorRegistry, fleet: FleetDirectory? = nil
) -> Router<BasicRequestContext> {
    buildRouter(manager: manager, config: config, registry: registry, fleet: fleet, files: recordingFiles(manager: manager, config: config))
}

func recordingFiles(manager: SessionManager, config: HTTPConfig) -> RecordingFiles {
    RecordingFiles(recordingsPath: manager.config.recordingsDirectory.path, isPrivate: config.readToken != nil, changes: manager.changes)
}

func buildRouter(
    manager: SessionManager, config: HTTPConfig, registry: PrometheusCollectorRegistry, fleet: FleetDirectory?, files: RecordingFiles
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: OriginMiddleware(
        ownOrigins: config.ownOrigins, listedOrigins: config.corsAllowWriteOrigins, fleet: fleet,
        readsOpenToAll: config.corsAllowOrigin == "*"))
    if !config.corsAllowOrigin.isEmpty {
        router.add(middleware: CORSMiddleware(
            allowOrigin: config.corsAllowOrigin == "*" ? .all : .custom(config.corsAllowOrigin),
            allowHeaders: [.accept, .authorization, .contentType, .origin, .range],
            allowMethods: [.get, .head, .options],
            exposedHeaders: ["Content-Length", "Content-Range", "Accept-Ranges", "Location", "ETag", "Content-Disposition"],
            maxAge: .seconds(600)))
    }
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: AuthMiddleware(apiToken: config.apiToken, readToken: config.readToken))
    if let fleet {
        router.add(middleware: FleetRedirectMiddleware(manager: manager, fleet: fleet))
        NodeController(fleet: fleet).addRoutes(to: router)
    }

    StaticController(
        rtspPublishBase: config.rtspPublishBase, nodeId: manager.config.nodeId, fleet: fleet,
        peerOrigins: config.corsAllowWriteOrigins).addRoutes(to: router)
    HealthController(manager: manager).addRoutes(to: router)
    MetricsController(manager: manager, registry: registry).addRoutes(to: router)
    SessionController(manager: manager, maxBodyBytes: config.maxBodyBytes).addRoutes(to: router)
    ArchiveController(manager: manager).addRoutes(to: router)
    DetectionController(manager: manager, maxBodyBytes: config.maxDetectionBodyBytes).addRoutes(to: router)
    DevicePlaylistController(manager: manager, fleet: fleet).addRoutes(to: router)
    ExportController(manager: manager, isPrivate: config.readToken != nil).addRoutes(to: router)
    ThumbnailTrackController(manager: manager).addRoutes(to: router)
    RecordingFileController(files: files).addRoutes(to: router)
    BenchFloor.addRoute(to: router)
    router.add(middleware: MethodNotAllowedMiddleware(router: router))
    return router
}

/// The HTTP application. `services` run beside the server in its service group (started before it,
/// stopped after it). `connections` is the process-wide connection cap, shared with other servers.
public func buildApplication(
    manager: SessionManager, config: HTTPConfig, registry: PrometheusCollectorRegistry, fleet: FleetDirectory? = nil,
    connections: ConnectionCap? = nil, services: [any Service] = [], logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let files = recordingFiles(manager: manager, config: config)
    // Requests with `Origin` go to the router whenever CORS answers (configured, or other nodes' origins).
    let fastPath = RecordingFastPath.Settings(
        files: files, readToken: config.readToken, apiToken: config.apiToken,
        corsEnabled: !config.corsAllowOrigin.isEmpty || fleet != nil, serverName: "streamd")
    return Application(
        router: buildRouter(manager: manager, config: config, registry: registry, fleet: fleet, files: files),
        server: .cappedHTTP1(
            counter: connections ?? ConnectionCap(limit: config.maxConnections), idleTimeoutSeconds: config.idleTimeoutSeconds,
            fastPath: BenchFloor.fastPathDisabled ? nil : fastPath),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "streamd"),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger)
}
