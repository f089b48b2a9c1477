import NIOCore
import NIOPosix

/// Binds an RTP/RTCP socket pair (even port, the odd one above it) on one event loop.
enum UDPPairBinder {
    struct Pair {
        var rtp: any Channel
        var rtcp: any Channel
        var rtpPort: Int
    }

    /// `makeHandler(isRTCP)` builds each socket's handler on the socket's (= `eventLoop`) thread.
    static func bind(
        host: String, allocator: UDPPortAllocator, on eventLoop: any EventLoop,
        makeHandler: @escaping @Sendable (Bool) -> any ChannelHandler
    ) -> EventLoopFuture<Pair> {
        let candidates = allocator.range == nil ? Array(repeating: 0, count: 16) : allocator.candidates()
        return attempt(candidates[...], host: host, eventLoop: eventLoop, makeHandler: makeHandler)
    }

    private static func attempt(
        _ candidates: ArraySlice<Int>, host: String, eventLoop: any EventLoop,
        makeHandler: @escaping @Sendable (Bool) -> any ChannelHandler
    ) -> EventLoopFuture<Pair> {
        guard let port = candidates.first else {
            return eventLoop.makeFailedFuture(RTSPProtocolError(status: 453, reason: "No UDP Port Pair Free"))
        }
        let rest = candidates.dropFirst()
        let retry: @Sendable (any Error) -> EventLoopFuture<Pair> = { _ in
            attempt(rest, host: host, eventLoop: eventLoop, makeHandler: makeHandler)
        }
        return bindOne(host: host, port: port, isRTCP: false, eventLoop: eventLoop, makeHandler: makeHandler)
            .flatMap { rtp -> EventLoopFuture<Pair> in
                guard let rtpPort = rtp.localAddress?.port, rtpPort % 2 == 0 else {
                    return rtp.close().flatMap { retry(RTSPProtocolError(status: 453, reason: "Odd Port")) }
                }
                return bindOne(host: host, port: rtpPort + 1, isRTCP: true, eventLoop: eventLoop, makeHandler: makeHandler)
                    .map { rtcp in Pair(rtp: rtp, rtcp: rtcp, rtpPort: rtpPort) }
                    .flatMapError { error in rtp.close().flatMap { retry(error) } }
            }
            .flatMapError(retry)
    }

    private static func bindOne(
        host: String, port: Int, isRTCP: Bool, eventLoop: any EventLoop,
        makeHandler: @escaping @Sendable (Bool) -> any ChannelHandler
    ) -> EventLoopFuture<any Channel> {
        DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_rcvbuf), value: 2 * 1024 * 1024)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 9216))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler(isRTCP))
                }
            }
            .bind(host: host, port: port)
    }
}
