import Foundation
import Sessions

/// The SQL and the row mapping of the `nodes` table. `last_seen_at` is always the database's
/// `now()`, and `alive` is computed against it too: nodes' clocks never have to agree.
enum NodeRow {
    static let heartbeat = """
        INSERT INTO nodes (node_id, public_url, version, started_at, last_seen_at)
        VALUES ($1, $2, $3, 'epoch'::timestamptz + $4::bigint * interval '1 millisecond', now())
        ON CONFLICT (node_id) DO UPDATE SET
            public_url = EXCLUDED.public_url, version = EXCLUDED.version,
            started_at = EXCLUDED.started_at, last_seen_at = EXCLUDED.last_seen_at
        """

    static let all = """
        SELECT node_id, public_url, version,
               (extract(epoch FROM started_at) * 1000)::bigint AS started_at_ms,
               (extract(epoch FROM last_seen_at) * 1000)::bigint AS last_seen_at_ms,
               last_seen_at > now() - $1::double precision * interval '1 second' AS alive
        FROM nodes ORDER BY node_id
        """

    static func decodeAll(_ result: PGResult) throws(StoreError) -> [Node] {
        var nodes: [Node] = []
        for row in 0..<result.rowCount {
            nodes.append(Node(
                nodeId: try result.required(String.self, row: row, column: "node_id"),
                publicURL: try result.required(String.self, row: row, column: "public_url"),
                version: try result.required(String.self, row: row, column: "version"),
                startedAt: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "started_at_ms")),
                lastSeenAt: Date(epochMilliseconds: try result.required(Int64.self, row: row, column: "last_seen_at_ms")),
                alive: try result.required(Bool.self, row: row, column: "alive")))
        }
        return nodes
    }
}
