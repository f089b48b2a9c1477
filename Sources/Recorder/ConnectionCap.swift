import RTSPServer
import Synchronization

/// Open client connections of every server of this process (HTTP now, RTSP later), against one cap
/// (`limits.max_connections`) kept below the file limit, so a flood of connections cannot take the
/// descriptors recordings and the journal need.
public final class ConnectionCap: Sendable {
    public let limit: Int
    private let count = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    public var current: Int { count.load(ordering: .relaxed) }

    /// Takes a slot when one is free; every `true` must be matched by one `release()`.
    public func tryAcquire() -> Bool {
        var seen = count.load(ordering: .relaxed)
        while seen < limit {
            let (exchanged, original) = count.compareExchange(expected: seen, desired: seen + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            seen = original
        }
        return false
    }

    public func release() {
        count.subtract(1, ordering: .acquiringAndReleasing)
    }
}

/// The RTSP server takes its connections from the same cap as the HTTP server.
extension ConnectionCap: ConnectionLimit {}
