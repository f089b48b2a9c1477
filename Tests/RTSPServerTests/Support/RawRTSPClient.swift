import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP client that sends raw bytes and keeps everything it receives: for hostile input,
/// limits and hand-driven RTSP exchanges.
final class RawRTSPClient: Sendable {
    private let channel: any Channel
    private let received: NIOLockedValueBox<[UInt8]>

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<[UInt8]>
        init(_ received: NIOLockedValueBox<[UInt8]>) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            received.withLockedValue { $0 += bytes }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    init(port: Int) async throws {
        let received = NIOLockedValueBox<[UInt8]>([])
        self.received = received
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    var text: String { String(decoding: received.withLockedValue { $0 }, as: UTF8.self) }

    var isClosed: Bool { !channel.isActive }

    /// Waits for `count` complete responses (status lines) and returns the text so far.
    func responses(atLeast count: Int, timeout: Duration = .seconds(10)) async -> String {
        _ = await eventually(timeout: timeout) { text.components(separatedBy: "RTSP/1.0 ").count - 1 >= count && text.hasSuffix("\r\n\r\n") }
        return text
    }

    func waitClosed(timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { isClosed }
    }

    func close() async {
        try? await channel.close()
    }
}
