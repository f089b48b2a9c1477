extension Defaults {
    /// What `nodes.version` and `GET /nodes` report.
    public static let streamdVersion = "0.15.0"
    /// Seconds between two heartbeats of a node (`heartbeat_interval_sec`).
    public static let heartbeatIntervalSec = 10.0
    /// A node seen within this many seconds is `alive` in `GET /nodes`: three heartbeats.
    public static let nodeAliveWithinSec = 30.0
    /// How often a node whose database is down tries again to take its node lock.
    public static let nodeLockRetrySec = 2.0
}
