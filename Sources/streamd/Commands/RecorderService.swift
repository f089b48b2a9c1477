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
            await withDiscardingTaskGroup { group in
                // Beside the journal, not before readiness: a node with years of recordings
                // serves and records while its index catches up with its disk.
                group.addTask { await reconcileSegmentIndex() }
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
        }
        await manager.shutdown()
    }

    /// Once the schema (with its `segments` table) is current, and after the journal's backlog.
    private func reconcileSegmentIndex() async {
        while !Task.isCancelled {
            if await schema.migrateOnce(), await manager.journal.flush() {
                await manager.reconcileSegmentIndexUntilDone()
                return
            }
            do {
                try await Task.sleep(for: .seconds(2))
            } catch {
                return
            }
        }
    }
}
