import Foundation
import Sessions
import Synchronization

/// This node's view of the other nodes sharing its database: who they are, where they serve
/// (`public_url`), which web origins they have. Refreshed from the `nodes` table by the heartbeat,
/// and read on the request path without touching the database (CORS, the write rule).
public final class FleetDirectory: Sendable {
    public let nodeId: String
    /// This node's own `public_url`, without a trailing slash.
    public let publicURL: String
    public let repository: any NodeRepository
    public let aliveWithinSec: Double
    private let known = Mutex(Known())

    private struct Known {
        var publicURLs: [String: String] = [:]
        var origins: Set<String> = []
    }

    public init(nodeId: String, publicURL: String, repository: any NodeRepository,
                aliveWithinSec: Double = Defaults.nodeAliveWithinSec) {
        self.nodeId = nodeId
        self.publicURL = Self.trimmed(publicURL)
        self.repository = repository
        self.aliveWithinSec = aliveWithinSec
    }

    /// Every node as the database has it now; what it returns is remembered for redirects and CORS.
    public func nodes() async throws -> [Node] {
        let nodes = try await repository.nodes(aliveWithinSec: aliveWithinSec)
        remember(nodes)
        return nodes
    }

    /// Replaces what this node knows of the others (a node that left the table is forgotten).
    public func remember(_ nodes: [Node]) {
        var fresh = Known()
        for node in nodes {
            fresh.publicURLs[node.nodeId] = Self.trimmed(node.publicURL)
            if let origin = HTTPConfig.origin(ofURL: node.publicURL) { fresh.origins.insert(origin) }
        }
        known.withLock { $0 = fresh }
    }

    /// True when `origin` (as browsers send it, normalized) is the origin of some node's `public_url`:
    /// the page of any node may read from and write to every node.
    public func isNodeOrigin(_ origin: String) -> Bool {
        known.withLock { $0.origins.contains(origin) }
    }

    /// Every known node's origin, sorted (the page's Content-Security-Policy lists them).
    public var nodeOrigins: [String] {
        known.withLock { $0.origins.sorted() }
    }

    /// Where `node` serves: from the last refresh, else from the database now; nil when unknown.
    public func publicURL(of node: String) async -> String? {
        if node == nodeId { return publicURL }
        if let url = known.withLock({ $0.publicURLs[node] }) { return url }
        do {
            return try await nodes().first { $0.nodeId == node }.map { Self.trimmed($0.publicURL) }
        } catch {
            return nil
        }
    }

    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
