import RTSPServer

/// The session manager as the RTSP server's `PublishAuthority`: every publish decision (path,
/// session, one publisher per session, codecs) is made by the manager, on its actor.
public struct PublishGateway: PublishAuthority {
    private let manager: SessionManager

    public init(manager: SessionManager) {
        self.manager = manager
    }

    public func acceptPublisher(_ request: PublishRequest, connection: PublisherHandle) async -> Result<any PublishSink, PublishRefusal> {
        await manager.attachPublisher(request, handle: connection)
    }
}
