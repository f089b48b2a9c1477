import Dispatch
import Logging

/// One slot of the pool: a serial queue and the connection that only this queue touches.
/// `@unchecked Sendable` because `connection` is confined to `queue`, which the compiler cannot see.
final class PooledConnection: @unchecked Sendable {
    let queue: DispatchQueue
    private let conninfo: String
    private let overrides: [String: String]
    private let logger: Logger
    /// Confined to `queue`. nil until first use (lazy connect) and after the connection broke.
    private var connection: PGConnection?

    init(index: Int, conninfo: String, overrides: [String: String], logger: Logger) {
        queue = DispatchQueue(label: "streamd.store.connection.\(index)")
        self.conninfo = conninfo
        self.overrides = overrides
        self.logger = logger
    }

    /// Runs `body` on a live connection; must be called on `queue`. When the connection turns out
    /// to be dead (the server restarted since the last use, say) and `retry` allows it, runs
    /// `body` once more on a fresh connection with `attempt` 2.
    func run<T>(
        statement: String, retry: Bool, _ body: (PGConnection, _ attempt: Int) throws -> T
    ) -> Result<T, any Error> {
        dispatchPrecondition(condition: .onQueue(queue))
        var attempt = 1
        while true {
            do {
                let live = try connected()
                defer { settle(live) }
                return .success(try body(live, attempt))
            } catch let error as StoreError {
                guard case .connectionLost = error else { return .failure(error) }
                connection = nil
                guard retry, attempt == 1 else { return .failure(error) }
                logger.warning("database connection lost, retrying on a new one", metadata: [
                    "statement": "\(statement)", "error": "\(error)",
                ])
                attempt += 1
            } catch {
                return .failure(error)
            }
        }
    }

    /// Closes the connection (PQfinish); the next use connects again. Must be called on `queue`.
    func disconnect() {
        dispatchPrecondition(condition: .onQueue(queue))
        connection = nil
    }

    private func connected() throws(StoreError) -> PGConnection {
        if let connection, connection.isUsable {
            return connection
        }
        connection = nil
        let fresh = try PGConnection(conninfo: conninfo, overrides: overrides, logger: logger)
        connection = fresh
        return fresh
    }

    /// Leaves the connection reusable for the next caller: a body that threw inside a
    /// transaction must not hand an open (or aborted) transaction to someone else.
    private func settle(_ live: PGConnection) {
        guard live.isUsable else {
            connection = nil
            return
        }
        guard !live.isIdle else { return }
        do {
            try live.executeScript("ROLLBACK", statement: "rollback_abandoned_transaction")
        } catch {
            logger.warning("could not roll back an abandoned transaction; dropping the connection", metadata: [
                "error": "\(error)",
            ])
            connection = nil
        }
    }
}
