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

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = registry.admit(channel)
        return http.setup(channel: channel, logger: logger).map { value in
            if !admitted { channel.close(promise: nil) }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with every connection counted against `counter`.
    static func cappedHTTP1(counter: ConnectionCap, idleTimeoutSeconds: Int64) -> HTTPServerBuilder {
        let registry = ConnectionRegistry(counter: counter)
        return HTTPServerBuilder { responder in
            CappedHTTP1Channel(
                http: HTTP1Channel(responder: responder, configuration: .init(
                    additionalChannelHandlers: [ConnectionGuardHandler(registry: registry)],
                    idleTimeout: .seconds(idleTimeoutSeconds))),
                registry: registry)
        }
    }
}
