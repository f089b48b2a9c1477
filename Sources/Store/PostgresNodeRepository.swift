import Foundation
import Sessions

/// `NodeRepository` on PostgreSQL through the connection pool. Both statements are idempotent.
public struct PostgresNodeRepository: NodeRepository {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func heartbeat(nodeId: String, publicURL: String, version: String, startedAt: Date) async throws {
        let parameters = [nodeId, publicURL, version, String(startedAt.epochMilliseconds)]
        try await pool.withConnection(statement: "node_heartbeat") { connection, _ in
            _ = try connection.execute(NodeRow.heartbeat, parameters, statement: "node_heartbeat")
        }
    }

    public func nodes(aliveWithinSec: Double) async throws -> [Node] {
        try await pool.withConnection(statement: "list_nodes") { connection, _ in
            try NodeRow.decodeAll(connection.execute(NodeRow.all, [String(aliveWithinSec)], statement: "list_nodes"))
        }
    }

    public func owners(of sessionIds: [String]) async throws -> [String: String] {
        guard !sessionIds.isEmpty else { return [:] }
        // Session ids are [A-Za-z0-9_-] (checked at every edge), so the array literal needs no quoting.
        let array = "{" + sessionIds.filter(SessionID.isValid).joined(separator: ",") + "}"
        return try await pool.withConnection(statement: "session_owners") { connection, _ in
            let result = try connection.execute(
                "SELECT session_id, node FROM sessions WHERE session_id = ANY($1::text[])", [array], statement: "session_owners")
            var owners: [String: String] = [:]
            for row in 0..<result.rowCount {
                owners[try result.required(String.self, row: row, column: "session_id")] =
                    try result.required(String.self, row: row, column: "node")
            }
            return owners
        }
    }
}
