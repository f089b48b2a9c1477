import Foundation

/// The `nodes` table: every node's heartbeat, read by every node (`GET /nodes`, redirects, CORS).
/// Implemented on PostgreSQL (`PostgresNodeRepository`) and in memory (`InMemoryNodeRepository`).
public protocol NodeRepository: Sendable {
    /// Inserts or refreshes this node's row; `last_seen_at` is the database's now.
    func heartbeat(nodeId: String, publicURL: String, version: String, startedAt: Date) async throws
    /// Every node, by `node_id`, `alive` when seen within `aliveWithinSec` of the database's now.
    func nodes(aliveWithinSec: Double) async throws -> [Node]
    /// The `node` of each of these sessions that exists (session id → node id), in one query.
    func owners(of sessionIds: [String]) async throws -> [String: String]
}
