import ArgumentParser
import Foundation
import HTTPAPI
import Hummingbird
import Logging
import Media
import Metrics
import NIOCore
import Prometheus
import Recorder
import RTSPServer
import ServiceLifecycle
import Sessions
import Store

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon: HTTP API, recorder, playback.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        StreamdLogging.bootstrap(level: config.logLevel, repeatIntervalSec: config.logRepeatIntervalSec)
        let logger = Logger(label: "streamd")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        FFmpegLogging.install(logger: Logger(label: "streamd.ffmpeg"))

        var http = config.http
        http.maxConnections = try FileLimit.connectionCap(
            configured: config.maxConnections,
            reserve: FileLimit.reserve(maxSessions: config.maxSessions, databasePoolSize: config.databasePoolSize), logger: logger)
        // One counter for every server of the process: HTTP and RTSP.
        let connections = ConnectionCap(limit: http.maxConnections)

        let pool = ConnectionPool(conninfo: config.databaseURL, size: config.databasePoolSize, logger: Logger(label: "streamd.db"))
        let repository = PostgresSessionRepository(pool: pool)
        let schema = SchemaService(pool: pool, logger: logger)
        // Recording does not wait for PostgreSQL: when it is down at start, the schema is applied once it is up.
        await schema.migrateOnce()

        let manager = SessionManager(config: config.recorder, repository: repository, logger: Logger(label: "streamd.recorder"))
        let recovered = try await manager.recover()
        if !recovered.isEmpty { logger.notice("finalized sessions left by an earlier run", metadata: ["count": "\(recovered.count)"]) }

        let notifier = SystemdNotifier.fromEnvironment()
        let recorderService = RecorderService(manager: manager, schema: schema, logger: logger)
        let watchdog = SystemdWatchdogService(notifier: notifier, manager: manager)
        let retention = RetentionService(
            manager: manager, policy: config.retention, intervalSeconds: max(10, config.retentionIntervalSec), logger: logger)
        let app = buildApplication(
            manager: manager, config: http, registry: registry, connections: connections, logger: Logger(label: "streamd.http"),
            onServerRunning: { channel in
                logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? config.listen)", "public_url": "\(config.effectivePublicURL)"])
                notifier?.notify("READY=1\nSTATUS=listening on \(config.listen), 0 sessions recording")
            })
        // The cameras come first: they are told to stop only once the recorder has finalized their sessions.
        let cameras = CameraService(manager: manager, cameras: config.cameras, logger: Logger(label: "streamd.cameras"))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: cameras), .init(service: recorderService), .init(service: retention), .init(service: watchdog),
        ]
        if let rtsp = try config.rtspServerConfig {
            // A port that cannot be bound ends the daemon at start, like the HTTP one.
            services.append(.init(service: RTSPServer(
                config: rtsp, authority: PublishGateway(manager: manager), logger: Logger(label: "streamd.rtsp"),
                connectionCounter: connections)))
        }
        services.append(.init(service: app))
        // Shut down in reverse: the HTTP server stops taking requests first, then publishers are let go,
        // then every recording is finalized.
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
