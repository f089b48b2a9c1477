import NIOConcurrencyHelpers

/// A cap on open connections that several servers (RTSP, HTTP) can share: the daemon passes its
/// process-wide counter; the server's own `ConnectionCounter` is the default.
public protocol ConnectionLimit: Sendable {
    /// Connections allowed at once.
    var limit: Int { get }
    /// Takes a slot; false when the cap is reached (the caller closes the connection at once).
    func tryAcquire() -> Bool
    /// Gives back a slot taken by a successful `tryAcquire`.
    func release()
}

/// A cap on open connections for this server alone.
public final class ConnectionCounter: ConnectionLimit {
    public let limit: Int
    private let open = NIOLockedValueBox(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot; false when the cap is reached (the caller closes the connection at once).
    public func tryAcquire() -> Bool {
        open.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken by a successful `tryAcquire`.
    public func release() {
        open.withLockedValue { count in count = max(0, count - 1) }
    }

    public var current: Int { open.withLockedValue { $0 } }
}
