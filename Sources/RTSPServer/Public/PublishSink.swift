/// Where an accepted publisher's media goes. Both calls arrive on a NIO event loop, in order,
/// and must not block. `publisherLeft` comes exactly once, after the last `receive`.
public protocol PublishSink: AnyObject, Sendable {
    func receive(_ unit: AccessUnit)
    func publisherLeft(reason: PublisherExit)
}

/// Why an accepted publisher is gone.
public enum PublisherExit: Sendable, Equatable {
    /// It sent TEARDOWN.
    case teardown
    /// Its TCP connection closed or failed without TEARDOWN.
    case connectionLost
    /// No RTP, RTCP or RTSP request for `idleTimeoutSeconds`.
    case timedOut
    /// `PublisherHandle.disconnect()` or server shutdown.
    case disconnectedByServer
}
