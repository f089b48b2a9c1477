import Hummingbird
import HummingbirdCore
import Logging
import Recorder
import NIOCore

/// Hummingbird's HTTP/1 child channel, admitted through the connection registry first. A connection
/// refused at the cap is set up like any other and closed at once: failing the setup would surface as
/// an error on the listening channel.
struct CappedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http: HTTP1Channel
    let registry: ConnectionRegistry
    let fastPath: RecordingFastPath.Settings?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = registry.admit(channel)
        return http.setup(channel: channel, logger: logger).flatMapThrowing { value in
            if !admitted { channel.close(promise: nil) }
            if let fastPath {
                // Behind Hummingbird's connection state handler (keep-alive, idle timeout), so it sees
                // fast-path requests too, and in front of the channel that feeds the router.
                let operations = channel.pipeline.syncOperations
                let state = try operations.handler(type: HTTPConnectionStateHandler.self)
                try operations.addHandler(RecordingFastPath(settings: fastPath), position: .after(state))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with every connection counted against `counter`.
    /// `fastPath`: recording files answered in front of the router (`RecordingFastPath`).
    static func cappedHTTP1(counter: ConnectionCap, idleTimeoutSeconds: Int64, fastPath: RecordingFastPath.Settings? = nil) -> HTTPServerBuilder {
        let registry = ConnectionRegistry(counter: counter)
        return HTTPServerBuilder { responder in
            CappedHTTP1Channel(
                http: HTTP1Channel(responder: responder, configuration: .init(
                    additionalChannelHandlers: [ConnectionGuardHandler(registry: registry)],
                    idleTimeout: .seconds(idleTimeoutSeconds))),
                registry: registry, fastPath: fastPath)
        }
    }
}
