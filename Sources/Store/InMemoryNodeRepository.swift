import Foundation
import Sessions

/// `NodeRepository` in memory, for tests of code built on the protocol; `alive` by this process's clock.
public actor InMemoryNodeRepository: NodeRepository {
    private var rows: [String: Node] = [:]
    /// Which node owns which session: the sessions table is another repository's, so tests say it here.
    private var sessionOwners: [String: String] = [:]

    public init(nodes: [Node] = []) {
        for node in nodes { rows[node.nodeId] = node }
    }

    public func heartbeat(nodeId: String, publicURL: String, version: String, startedAt: Date) throws {
        if let index = [nodeId, publicURL, version].firstIndex(where: { $0.utf8.contains(0) }) {
            throw StoreError.invalidParameter(index: index, statement: "node_heartbeat")
        }
        rows[nodeId] = Node(
            nodeId: nodeId, publicURL: publicURL, version: version, startedAt: Date(epochMilliseconds: startedAt.epochMilliseconds),
            lastSeenAt: Date(epochMilliseconds: Date().epochMilliseconds), alive: true)
    }

    public func nodes(aliveWithinSec: Double) -> [Node] {
        let now = Date()
        return rows.values.sorted { $0.nodeId.utf8.lexicographicallyPrecedes($1.nodeId.utf8) }.map { node in
            var node = node
            node.alive = now.timeIntervalSince(node.lastSeenAt) < aliveWithinSec
            return node
        }
    }

    public func setOwner(of sessionId: String, to nodeId: String) {
        sessionOwners[sessionId] = nodeId
    }

    public func owners(of sessionIds: [String]) -> [String: String] {
        sessionOwners.filter { sessionIds.contains($0.key) }
    }
}
