import Logging
@testable import RTSPServer

enum ServerHarness {
    static func config(token: String? = nil) -> RTSPServerConfig {
        // A long announce deadline: on a loaded machine a test's own round trips may take seconds; the
        // tests of that deadline set a short one themselves.
        RTSPServerConfig(host: "127.0.0.1", port: 0, idleTimeoutSeconds: 10, handshakeTimeoutSeconds: 120, token: token)
    }

    /// Runs an `RTSPServer` on a free port for the duration of `body`, then shuts it down.
    static func withServer<T: Sendable>(
        _ config: RTSPServerConfig = config(), authority: TestAuthority, counter: ConnectionCounter? = nil,
        _ body: (RTSPServer, Int) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "rtsp-test")
        logger.logLevel = .warning
        let server = RTSPServer(config: config, authority: authority, logger: logger, connectionCounter: counter)
        let task = Task { try await server.run() }
        do {
            let port = try await server.boundPort()
            let result = try await body(server, port)
            task.cancel()
            _ = await task.result
            return result
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }
}
