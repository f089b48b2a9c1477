import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The RTSP publish server: accepts publishers, hands their access units to the sinks the
/// `PublishAuthority` gives out. All work happens in `run()`.
public final class RTSPServer: Service, Sendable {
    public let config: RTSPServerConfig
    private let authority: any PublishAuthority
    private let logger: Logger
    private let connectionCounter: any ConnectionLimit
    private let eventLoopGroup: any EventLoopGroup
    private let registry = ConnectionRegistry()
    private let binding = BindingState()

    /// `connectionCounter`: a cap shared with other servers; nil gives this server its own cap of
    /// `config.maxConnections`.
    public init(
        config: RTSPServerConfig, authority: any PublishAuthority, logger: Logger,
        connectionCounter: (any ConnectionLimit)? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.config = config
        self.authority = authority
        self.logger = logger
        self.connectionCounter = connectionCounter ?? ConnectionCounter(limit: config.maxConnections)
        self.eventLoopGroup = eventLoopGroup
    }

    /// The TCP port once bound (useful with port 0); nil before `run()` bound it.
    public var localPort: Int? { binding.port }

    /// Waits until `run()` has bound the port (or failed to), then returns the port.
    public func boundPort() async throws -> Int {
        try await binding.wait()
    }

    /// Open RTSP connections of this server.
    public var connectionCount: Int { registry.count }

    /// Binds (a failure throws) and serves until graceful shutdown or cancellation; then every
    /// publisher is disconnected (`.disconnectedByServer`).
    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await makeBootstrap().bind(host: config.host, port: config.port).get()
        } catch {
            binding.fail(error)
            throw error
        }
        let port = channel.localAddress?.port ?? config.port
        binding.succeed(port)
        logger.info("RTSP server listening", metadata: ["host": "\(config.host)", "port": "\(port)"])
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
        registry.disconnectAll()
        logger.info("RTSP server stopped")
    }

    private func makeBootstrap() -> ServerBootstrap {
        let context = RTSPServerContext(
            config: config, authority: authority, logger: logger,
            udpAllocator: UDPPortAllocator(range: config.udpPortRange), registry: registry)
        let counter = connectionCounter
        let logger = logger
        return ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard counter.tryAcquire() else {
                    logger.warning("connection refused: at the connection limit", metadata: ["limit": "\(counter.limit)"])
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in counter.release() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RTSPConnectionHandler(server: context))
                }
            }
    }
}
