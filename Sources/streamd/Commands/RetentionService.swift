import Logging
import Recorder
import ServiceLifecycle

/// Applies the retention policy at start and then every `interval`, until graceful shutdown.
struct RetentionService: Service {
    let manager: SessionManager
    let policy: RetentionPolicy
    let intervalSeconds: Double
    let logger: Logger

    func run() async throws {
        guard policy.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await manager.applyRetention(policy)
                    if !report.deleted.isEmpty || !report.repaired.isEmpty {
                        logger.notice("retention pass", metadata: ["deleted": "\(report.deleted.count)", "repaired": "\(report.repaired.count)"])
                    }
                } catch {
                    logger.warning("retention pass skipped", metadata: ["error": "\(error)"])
                }
                do {
                    try await Task.sleep(for: .seconds(intervalSeconds))
                } catch {
                    return
                }
            }
        }
    }
}
