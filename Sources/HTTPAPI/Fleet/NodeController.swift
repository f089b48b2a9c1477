import Foundation
import Hummingbird
import Sessions

/// `GET /nodes`: every node sharing the database, from its heartbeat row.
struct NodeController<Context: RequestContext>: Sendable {
    let fleet: FleetDirectory

    func addRoutes(to router: Router<Context>) {
        router.get("/nodes", use: list)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let nodes: [Node]
        do {
            nodes = try await fleet.nodes()
        } catch {
            throw APIError(.serviceUnavailable, code: "database_unavailable",
                           "The database cannot be reached (\(error)); the list of nodes lives there. Try again shortly.",
                           headers: [.retryAfter: "5"])
        }
        return try SessionController<Context>.json(NodeListJSON(nodes: nodes.map(NodeListJSON.Item.init)))
    }
}

/// `{"nodes":[{"node_id","public_url","version","started_at","last_seen_at","alive"}]}`.
struct NodeListJSON: Encodable {
    struct Item: Encodable {
        let nodeId: String
        let publicURL: String
        let version: String
        let startedAt: String
        let lastSeenAt: String
        let alive: Bool

        enum CodingKeys: String, CodingKey {
            case nodeId = "node_id", publicURL = "public_url", version, startedAt = "started_at", lastSeenAt = "last_seen_at", alive
        }

        init(_ node: Node) {
            nodeId = node.nodeId
            publicURL = node.publicURL
            version = node.version
            startedAt = node.startedAt.iso8601Milliseconds
            lastSeenAt = node.lastSeenAt.iso8601Milliseconds
            alive = node.alive
        }
    }

    let nodes: [Item]
}
