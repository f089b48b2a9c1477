import Logging
import Recorder
import ServiceLifecycle

/// Keeps the journal draining into PostgreSQL (and the schema applied) while the daemon runs; on graceful
/// shutdown ends every recording with its trailer and marks it `interrupted`.
struct RecorderService: Service {
    let manager: SessionManager
    let schema: SchemaService
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .seconds(2))
                } catch {
                    return
                }
                if await schema.migrateOnce() {
                    await manager.journal.flush()
                }
            }
        }
        await manager.shutdown()
    }
}
