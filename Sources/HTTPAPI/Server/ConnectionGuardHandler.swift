import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sits after the HTTP/1 codec of every connection: tells the registry when a request is in flight,
/// and closes the connection after a refusal answered before the request body was read (400, 401, 403,
/// 413, 415) instead of reading, say, a trickled `Content-Length: 10^12` body to its end.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let refusals: Set<Int> = [400, 401, 403, 413, 415]
    /// After the refusal's FIN, what the client still sends is read and dropped for this long, so the
    /// answer is not lost to a reset; then the connection is closed.
    static let lingerAfterRefusal: TimeAmount = .seconds(2)

    private let registry: ConnectionRegistry
    private var requestBodyPending = false
    private var closeAfterResponse = false

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestBodyPending = true
            registry.markBusy(context.channel)
        case .body:
            break
        case .end:
            requestBodyPending = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where requestBodyPending && Self.refusals.contains(response.status.code):
            closeAfterResponse = true
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .head, .body:
            context.write(data, promise: promise)
        case .end:
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                registry.markIdle(context.channel)
                return
            }
            let channel = context.channel
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
            let registry = self.registry
            written.futureResult.whenComplete { _ in
                registry.markDisposable(channel)
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: Self.lingerAfterRefusal) { channel.close(promise: nil) }
            }
        }
    }
}
