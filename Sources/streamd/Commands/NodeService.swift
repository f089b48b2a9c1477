import Foundation
import HTTPAPI
import Logging
import ServiceLifecycle
import Sessions
import Store

/// A second daemon started with a `node_id` that a running daemon holds: it must not record, recover
/// or delete what belongs to the other one.
struct NodeTakenError: Error, CustomStringConvertible {
    let nodeId: String
    let holder: String

    var description: String {
        "node_id \"\(nodeId)\" is already held by another running streamd on this database: \(holder); give each node its own node_id (STREAMD_NODE_ID) or stop the other daemon"
    }
}

/// Keeps this node's advisory lock (§12) and its heartbeat row: every `intervalSeconds` it checks the
/// lock's connection (taking the lock again after the database came back), upserts `nodes`, and
/// refreshes what this node knows of the others. A lock held by another daemon ends this one.
struct NodeService: Service {
    let lock: NodeLock
    let fleet: FleetDirectory
    let schema: SchemaService
    let startedAt: Date
    let intervalSeconds: Double
    /// True when the lock was taken at start, before this service ran.
    let heldAtStart: Bool
    let logger: Logger
    /// Runs once when the lock is first taken after a start during a database outage.
    let onLateLock: @Sendable () async -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var held = heldAtStart
            var lastProblem: String?
            while !Task.isCancelled {
                switch await lock.ensure() {
                case .held:
                    if !held {
                        held = true
                        logger.notice("node lock taken", metadata: ["node_id": "\(fleet.nodeId)"])
                        await onLateLock()
                    }
                    if await schema.migrateOnce() {
                        do {
                            try await fleet.repository.heartbeat(
                                nodeId: fleet.nodeId, publicURL: fleet.publicURL, version: Defaults.streamdVersion, startedAt: startedAt)
                            _ = try await fleet.nodes()
                            lastProblem = nil
                        } catch {
                            if "\(error)" != lastProblem { logger.warning("node heartbeat failed", metadata: ["error": "\(error)"]) }
                            lastProblem = "\(error)"
                        }
                    }
                case .heldElsewhere(let holder):
                    let error = NodeTakenError(nodeId: fleet.nodeId, holder: holder)
                    logger.critical("\(error.description); stopping", metadata: ["node_id": "\(fleet.nodeId)"])
                    throw error
                case .databaseUnavailable(let message):
                    if message != lastProblem {
                        logger.warning("database unavailable: the node lock and heartbeat wait for it", metadata: [
                            "node_id": "\(fleet.nodeId)", "error": "\(message)",
                        ])
                    }
                    lastProblem = message
                }
                do {
                    try await Task.sleep(for: .seconds(lastProblem == nil ? intervalSeconds : min(intervalSeconds, Defaults.nodeLockRetrySec)))
                } catch {
                    return
                }
            }
        }
    }
}
