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
    /// With the fast path the idle timeout is its to keep (it sees every byte); else Hummingbird's.
    let idleTimeout: TimeAmount?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = registry.admit(channel)
        return http.setup(channel: channel, logger: logger).flatMapThrowing { value in
            if !admitted { channel.close(promise: nil) }
            if let fastPath {
                // On the raw bytes in front of the HTTP/1 codec; the counter behind Hummingbird's
                // connection state handler sees the end of every answer the router writes.
                let operations = channel.pipeline.syncOperations
                let router = RecordingFastPath.RouterAnswers()
                let state = try operations.handler(type: HTTPConnectionStateHandler.self)
                try operations.addHandler(RouterAnswerCounter(router: router), position: .after(state))
                let registry = self.registry
                try operations.addHandler(
                    RecordingFastPath(settings: fastPath, router: router, idleTimeout: idleTimeout,
                                      markActive: { [weak channel] in if let channel { registry.markIdle(channel) } }),
                    position: .first)
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
                    idleTimeout: fastPath == nil ? .seconds(idleTimeoutSeconds) : nil)),
                registry: registry, fastPath: fastPath, idleTimeout: fastPath == nil ? nil : .seconds(idleTimeoutSeconds))
        }
    }
}
