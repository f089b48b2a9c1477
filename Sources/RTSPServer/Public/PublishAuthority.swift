/// The daemon's decision on a publish: it owns paths, sessions and the one-publisher rule.
public protocol PublishAuthority: Sendable {
    /// Called once per ANNOUNCE that passed authentication and the codec policy.
    func acceptPublisher(_ request: PublishRequest, connection: PublisherHandle) async
        -> Result<any PublishSink, PublishRefusal>
}

/// A refused publish: `status` becomes the RTSP status of the ANNOUNCE response, `reason` its
/// reason phrase and `Reason` header.
public struct PublishRefusal: Error, Sendable, Equatable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public static func notFound(_ reason: String) -> PublishRefusal { .init(status: 404, reason: reason) }
    public static func conflict(_ reason: String) -> PublishRefusal { .init(status: 409, reason: reason) }
    public static func unavailable(_ reason: String) -> PublishRefusal { .init(status: 503, reason: reason) }
}
