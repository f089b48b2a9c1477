import Logging
import Sessions
import Store

/// Applies migrations once the database is reachable; remembers success so later calls are free.
actor SchemaService {
    let pool: ConnectionPool
    let logger: Logger
    private var applied = false
    private var lastError: String?

    init(pool: ConnectionPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// True when the schema is current.
    @discardableResult
    func migrateOnce() async -> Bool {
        if applied { return true }
        do {
            let versions = try await Store.migrate(pool: pool)
            applied = true
            logger.info("database schema ready", metadata: ["applied": "\(versions)"])
        } catch {
            let text = "\(error)"
            if text != lastError {
                logger.error("database unavailable; recording continues and the journal keeps every change", metadata: ["error": "\(text)"])
                lastError = text
            }
        }
        return applied
    }
}
