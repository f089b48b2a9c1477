import Foundation

/// One streamd process sharing the database: a row of the `nodes` table, written by its heartbeat.
public struct Node: Sendable, Equatable {
    public var nodeId: String
    /// Base of the node's `playlist_url`s; where requests for its files and mutations are redirected.
    public var publicURL: String
    public var version: String
    public var startedAt: Date
    public var lastSeenAt: Date
    /// Seen within `Defaults.nodeAliveWithinSec`, by the database's clock (every node shares it).
    public var alive: Bool

    public init(nodeId: String, publicURL: String, version: String, startedAt: Date, lastSeenAt: Date, alive: Bool) {
        self.nodeId = nodeId
        self.publicURL = publicURL
        self.version = version
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
        self.alive = alive
    }
}
