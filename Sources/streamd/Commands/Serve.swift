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
        MetricsSystem.bootstrap(Self.metricsFactory(registry: registry, nodeId: config.nodeId))
        FFmpegLogging.install(logger: Logger(label: "streamd.ffmpeg"))

        var http = config.http
        http.maxConnections = try FileLimit.connectionCap(
            configured: config.maxConnections,
            reserve: FileLimit.reserve(maxSessions: config.maxSessions, databasePoolSize: config.databasePoolSize), logger: logger)
        // One counter for every server of the process: HTTP and RTSP.
        let connections = ConnectionCap(limit: http.maxConnections)

        // One daemon per node_id (§12), decided before anything is recovered or recorded. When the
        // database is down the daemon starts anyway; NodeService takes the lock once it returns.
        let startedAt = Date()
        let nodeLock = NodeLock(conninfo: config.databaseURL, nodeId: config.nodeId, logger: Logger(label: "streamd.node"))
        let lockAtStart = await nodeLock.ensure()
        switch lockAtStart {
        case .held:
            logger.info("node lock taken", metadata: ["node_id": "\(config.nodeId)"])
        case .heldElsewhere(let holder):
            let error = NodeTakenError(nodeId: config.nodeId, holder: holder)
            logger.critical("\(error.description); not starting", metadata: ["node_id": "\(config.nodeId)"])
            throw error
        case .databaseUnavailable(let message):
            logger.warning("database unavailable at start: the node lock is taken when it returns", metadata: [
                "node_id": "\(config.nodeId)", "error": "\(message)",
            ])
        }

        let pool = ConnectionPool(conninfo: config.databaseURL, size: config.databasePoolSize, logger: Logger(label: "streamd.db"))
        let repository = PostgresSessionRepository(pool: pool)
        let schema = SchemaService(pool: pool, logger: logger)
        // Recording does not wait for PostgreSQL: when it is down at start, the schema is applied once it is up.
        await schema.migrateOnce()

        let manager = SessionManager(config: config.recorder, repository: repository, logger: Logger(label: "streamd.recorder"))
        let recovered = try await manager.recover()
        if !recovered.isEmpty { logger.notice("finalized sessions left by an earlier run", metadata: ["count": "\(recovered.count)"]) }

        let fleet = FleetDirectory(nodeId: config.nodeId, publicURL: config.effectivePublicURL, repository: PostgresNodeRepository(pool: pool))
        let nodeService = NodeService(
            lock: nodeLock, fleet: fleet, schema: schema, startedAt: startedAt, intervalSeconds: config.heartbeatIntervalSec,
            heldAtStart: lockAtStart == .held, logger: Logger(label: "streamd.node"),
            onLateLock: {
                // Started without the database: what it still has as recording on this node is finalized now.
                let late = await manager.recoverDatabaseRows()
                if !late.isEmpty { logger.notice("finalized sessions left by an earlier run", metadata: ["count": "\(late.count)"]) }
            })

        let notifier = SystemdNotifier.fromEnvironment()
        let recorderService = RecorderService(manager: manager, schema: schema, logger: logger)
        let watchdog = SystemdWatchdogService(notifier: notifier, manager: manager)
        let retention = RetentionService(
            manager: manager, policy: config.retention, intervalSeconds: max(10, config.retentionIntervalSec), logger: logger)
        let app = buildApplication(
            manager: manager, config: http, registry: registry, fleet: fleet, connections: connections, logger: Logger(label: "streamd.http"),
            onServerRunning: { channel in
                logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? config.listen)", "public_url": "\(config.effectivePublicURL)"])
                notifier?.notify("READY=1\nSTATUS=listening on \(config.listen), 0 sessions recording")
            })
        // The cameras come first: they are told to stop only once the recorder has finalized their sessions.
        let cameras = CameraService(manager: manager, cameras: config.cameras, logger: Logger(label: "streamd.cameras"))
        // The node service comes first, so it stops last: the lock is held until every recording is final.
        // A lock found held by another daemon shuts the group down gracefully, then the process exits 1.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: nodeService, failureTerminationBehavior: .gracefullyShutdownGroup),
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

    /// Every series carries `node` (§12), so one Prometheus scraping a fleet tells the nodes apart. Added
    /// when a metric handle is made, not per update: the cost is one label per series.
    static func metricsFactory(registry: PrometheusCollectorRegistry, nodeId: String) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (name, labels.contains { $0.0 == "node" } ? labels : labels + [("node", nodeId)])
        }
        return factory
    }
}
