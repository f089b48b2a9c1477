import Logging
import NIOCore

/// One RTSP connection: cuts the byte stream into requests and `$` frames, runs the publish
/// state machine (ANNOUNCE → SETUP → RECORD → TEARDOWN) and watches liveness.
final class RTSPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase { case initial, awaitingAuthority, announced, recording, closing }

    static let udpDrainDelay = TimeAmount.milliseconds(200)

    let server: RTSPServerContext
    var logger: Logger
    let decoder: RTSPFrameDecoder
    let authenticator: Authenticator?
    var authenticated: Bool
    var authFailures = 0
    var phase = Phase.initial
    /// Set while an asynchronous step (the authority, a UDP bind) runs: requests wait in `buffer`.
    var paused = false
    var buffer = ByteBuffer()
    var handle: PublisherHandle?
    var publisher: PublisherSession?
    var announceURI = ""
    let sessionID: String
    var closeReason: PublisherExit?
    var lastActivity = NIODeadline.now()
    var connectedAt = NIODeadline.now()
    private var timer: RepeatedTask?
    var context: ChannelHandlerContext?

    init(server: RTSPServerContext) {
        self.server = server
        logger = server.logger
        decoder = RTSPFrameDecoder(
            maxRequestBytes: server.config.maxRequestBytes, maxHeaderCount: server.config.maxHeaderCount,
            maxBodyBytes: server.config.maxSDPBytes, maxInterleavedFrameBytes: server.config.maxInterleavedFrameBytes)
        authenticator = server.config.token.map { Authenticator(token: $0) }
        authenticated = server.config.token == nil
        var generator = SystemRandomNumberGenerator()
        sessionID = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }

    var remoteAddress: String {
        guard let address = context?.channel.remoteAddress else { return "unknown" }
        return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let handle = PublisherHandle(channel: context.channel, remoteAddress: remoteAddress)
        self.handle = handle
        server.registry.add(handle)
        logger[metadataKey: "rtsp_peer"] = "\(remoteAddress)"
        connectedAt = .now()
        lastActivity = .now()
        let tick = TimeAmount.milliseconds(Int64(min(1000, max(50, server.config.idleTimeoutSeconds * 250))))
        // The task holds the handler until channelInactive cancels it.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            bound.value.checkLiveness()
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        phase = .closing
        if let handle { server.registry.remove(handle) }
        if let publisher {
            let reason: PublisherExit = handle?.wasDisconnectedByServer == true
                ? .disconnectedByServer : (closeReason ?? .connectionLost)
            let logger = self.logger
            let statsHandle = handle
            let finish = {
                publisher.finish(reason: reason)
                logger.info("publisher left", metadata: ["reason": "\(reason)", "stats": "\(statsHandle?.stats ?? PublisherStats())"])
            }
            if publisher.udpChannels.isEmpty {
                finish()
            } else {
                // RTP sent just before TEARDOWN may still sit in the UDP sockets: read it first.
                context.eventLoop.assumeIsolated().scheduleTask(in: Self.udpDrainDelay, finish)
            }
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        // While the daemon decides (or a UDP pair binds) nothing is consumed: bound what may pile up.
        if paused, buffer.readableBytes > server.config.maxRequestBytes + server.config.maxSDPBytes
            + server.config.maxInterleavedFrameBytes {
            logger.info("too much input while a request is pending, closing")
            phase = .closing
            context.close(promise: nil)
            return
        }
        processBuffer()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Serves every complete frame in the buffer, unless an asynchronous step is running.
    func processBuffer() {
        while !paused, phase != .closing {
            do throws(RTSPProtocolError) {
                guard let frame = try decoder.next(&buffer) else { break }
                switch frame {
                case .request(let request):
                    lastActivity = .now()
                    handle(request)
                case .interleaved(let channel, let payload):
                    publisher?.receiveInterleaved(channel: channel, payload: payload)
                }
            } catch {
                logger.info("malformed RTSP input, closing", metadata: ["status": "\(error.status)", "reason": "\(error.reason)"])
                respondAndClose(RTSPResponse(status: error.status, reason: error.reason, cseq: error.cseq))
            }
        }
        buffer.discardReadBytes()
    }

    private func checkLiveness() {
        guard let context, phase != .closing else { return }
        let now = NIODeadline.now()
        if phase == .initial,
           now - connectedAt > .milliseconds(Int64(server.config.handshakeTimeoutSeconds * 1000)) {
            logger.info("no ANNOUNCE in time, closing")
            phase = .closing
            context.close(promise: nil)
        } else if now - lastActivity > .milliseconds(Int64(server.config.idleTimeoutSeconds * 1000)) {
            logger.info("publisher silent, closing", metadata: ["idle_timeout_s": "\(server.config.idleTimeoutSeconds)"])
            closeReason = .timedOut
            phase = .closing
            context.close(promise: nil)
        }
    }

    func send(_ response: RTSPResponse) {
        guard let context, context.channel.isActive else { return }
        var out = context.channel.allocator.buffer(capacity: 256 + response.body.count)
        response.encode(into: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func respondAndClose(_ response: RTSPResponse) {
        guard let context else { return }
        send(response)
        phase = .closing
        context.close(promise: nil)
    }
}
