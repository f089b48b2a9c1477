import NIOCore

/// Reads one UDP socket of a publisher's RTP/RTCP pair and hands each datagram on.
final class DatagramReceiver: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let onDatagram: (SocketAddress, [UInt8]) -> Void

    init(onDatagram: @escaping (SocketAddress, [UInt8]) -> Void) {
        self.onDatagram = onDatagram
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        let bytes = envelope.data.readBytes(length: envelope.data.readableBytes) ?? []
        onDatagram(envelope.remoteAddress, bytes)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like surface here; a UDP socket stays usable after them.
    }
}
